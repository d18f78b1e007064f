-- The declared starts of relationships older than their contracts, as the contracts service
-- publishes them (RelationshipDeclared): with the contracts projected here, they give the
-- relationship's length a large cut is reviewed against (Code de commerce L442-1 II).
CREATE TABLE declared_relationships (
    ordering_party_id text NOT NULL,
    centre_id         text NOT NULL,
    since             date NOT NULL,
    declared_at       timestamptz NOT NULL,
    PRIMARY KEY (ordering_party_id, centre_id)
);
CREATE INDEX contracts_relationship ON contracts (ordering_party_id, centre_id);
