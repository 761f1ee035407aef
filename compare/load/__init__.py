"""Loading articles: files, directories, standard input, JSON and JSON lines, legacy encodings."""
