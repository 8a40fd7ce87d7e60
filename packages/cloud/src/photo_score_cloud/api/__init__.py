"""The HTTP surface: assembly, dependencies, middleware and one router per resource."""
