"""Paseban: the city's network of official social media accounts and its complaint desk."""

__version__ = "0.1.0"
