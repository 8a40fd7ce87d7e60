"""The rules of the cloud: keyword-only functions the routers call in one line."""
