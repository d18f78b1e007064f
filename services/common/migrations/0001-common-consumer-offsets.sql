-- Where each consumer of this service stands in each partition, written in the same
-- transaction as the effect of the records before it: a projection and its position move
-- together, and a projection emptied with its offsets is rebuilt from the topic.
CREATE TABLE consumer_offsets (
    consumer    text        NOT NULL,
    topic       text        NOT NULL,
    partition   integer     NOT NULL,
    next_offset bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, partition)
);
