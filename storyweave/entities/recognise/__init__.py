"""Recognising: finding the names in one article (models, rules, gazetteer) and typing them."""
