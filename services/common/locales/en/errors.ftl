# Errors returned to the APIs' callers: what is missing, what exists already.

error-not-found = { $kind ->
        [audit] Audit
        [bid] Bid
        [centre] Centre
        [contract] Contract
        [finding] Finding
        [notice] Notice
        [referential] Referential
        [site] Site
        [tender] Tender
       *[other] Resource
    } { $name } not found.
error-already-exists = { $kind ->
        [audit] Audit
        [bid] Bid
        [centre] Centre
        [contract] Contract
        [finding] Finding
        [notice] Notice
        [referential] Referential
        [site] Site
        [tender] Tender
       *[other] Resource
    } { $name } already exists.
error-more-violations = { $count ->
    [one] and one more violation not listed
   *[other] and { $count } more violations not listed
}
