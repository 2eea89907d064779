DROP TABLE case_cards;
