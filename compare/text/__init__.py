"""Text: normalization and word tokens, site chrome (boilerplate), sentences, figures."""
