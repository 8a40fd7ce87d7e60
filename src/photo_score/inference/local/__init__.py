"""The offline analyzer: pixels and EXIF only, nothing downloaded."""

from photo_score.inference.local.analyzer import VERSION, LocalAnalyzer

__all__ = ["VERSION", "LocalAnalyzer"]
