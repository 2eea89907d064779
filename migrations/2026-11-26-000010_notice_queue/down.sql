DROP TABLE notice_queue;
