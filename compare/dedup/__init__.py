"""Near-duplicates: fingerprints (MinHash), LSH bands, batch ``find_duplicates``, streaming ``ingest`` into an index."""
