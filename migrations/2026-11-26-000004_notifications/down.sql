DROP TABLE notifications;
DROP TABLE outbox;
