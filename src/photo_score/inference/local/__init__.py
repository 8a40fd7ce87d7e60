"""The offline analyzer: pixels and EXIF only, nothing downloaded."""
