-- GIN collects new entries in a "pending list" that every search reads from end to end, and
-- merges it into the index only once it reaches gin_pending_list_limit (4 MB by default) or
-- at a vacuum. The indicators' job writes likeness entries a batch at a time, so at a
-- million cases each search of similar past cases read up to 4 MB of pending entries: 13.6 ms
-- for a search that takes 0.3 ms with the list empty, and similar past cases went from a p99
-- of 8 ms to over a second at 200 requests a second (docs/benchmarks.md). A list of at most
-- 64 kB is merged every few hundred entries, still in bulk, and costs a search a few pages.
ALTER INDEX case_likeness_words SET (gin_pending_list_limit = 64);
