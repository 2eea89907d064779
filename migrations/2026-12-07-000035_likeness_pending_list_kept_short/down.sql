ALTER INDEX case_likeness_words RESET (gin_pending_list_limit);
