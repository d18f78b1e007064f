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
        [policy] The committee's policy version
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
error-internal = internal error
error-dependency-down = a dependency of the service is unavailable; retry later

## Who calls: the bearer token, the role, the organisation

error-token-missing = no 'authorization: Bearer <token>' metadata
error-token-scheme = authorization must be 'Bearer <token>'
error-token-expired = the bearer token has expired
error-token-invalid = the bearer token is not valid: { $why }
# The reasons, completing error-token-invalid.
error-token-signature = Signature verification failed
error-token-malformed = the token is malformed
error-token-claim-missing = Token is missing the "{ $claim }" claim
error-token-issuer = the token was not issued by { $issuer }
error-token-not-yet-valid = The token is not yet valid
error-token-algorithm = only the { $algorithm } signing algorithm is allowed
error-token-role = { $role } is not a valid role ({ $roles })
error-token-organisation = org must be 1 to { $max_chars } printable characters
error-token-lifetime = a token may live at most { $hours } hours
# The token library's (PyJWT) own detail.
error-token-other = { $detail }
error-role-not-allowed = { $count ->
        [0] no role may do this
       *[other] role { $role } may not do this (allowed: { $allowed })
    }
error-other-organisation = { $role } { $organisation } may not act for { $target }

## Shared data

error-country-code = { $country } is not an ISO 3166-1 country code

## The label registry: centres, referential, audits, label

label-area-hr-procedures = HR_PROCEDURES
label-area-training = TRAINING
label-area-monitoring-and-privacy = MONITORING_AND_PRIVACY
label-area-working-conditions = WORKING_CONDITIONS
label-site-twice = { $site } is used twice
label-site-taken = { $site } is already a site of another centre
audit-area-count = { $area } must appear exactly once, found { $found }
audit-criterion-code-twice = { $code } is used twice
audit-criterion-not-scored = criterion { $code } is not scored
audit-criterion-unknown = { $code } is not a criterion of this referential
audit-criterion-scored-twice = { $code } is scored twice
audit-score-out-of-range = score { $score } is outside 0..{ $max_score }
audit-in-the-future = an audit cannot be recorded before it happens
label-validity-ends-first = must be after valid_from
label-validity-too-long = validity longer than { $max_days } days
label-validity-ended = must be in the future
label-suspended-not-granted = a suspended label is reinstated or withdrawn, not granted again
label-audit-other-centre = the audit is of centre { $audit_centre }, not { $centre }
label-audit-failed = the audit did not pass every area
label-audit-too-old = the audit is more than { $max_days } days older than valid_from
label-audit-after-start = the audit took place after valid_from
label-remedy-deadline-past = must be in the future
label-transition-refused = a label that is { $status } cannot be { $action }

## Tenders, bids and contracts

tender-closed = the tender is no longer open for bids
tender-already-awarded = the tender has already been awarded
tender-centre-unknown = centre { $centre } is not (yet) known from the label registry
tender-site-country-refused = site in { $country }; the tender allows { $allowed }
contract-site-unknown = { $site } is not a site of { $centre }
contract-amendment-outside = outside the contract ({ $start } to { $end })
contract-terminated = the contract has been terminated
contract-no-baseline = the contract has no baseline volume
contract-volume-site-and-start-required = site_id and interval_start are required
contract-volume-not-a-contract-id = { $given } is not a contract id
contract-volume-site-not-on-contract = { $site } is not on the contract
contract-volume-day-outside = { $day } is outside the contract's dates

## Workload change notices

error-notice-effective-past = { $effective } is before today ({ $today })
error-notice-too-far-ahead = more than { $days } days ahead of today
error-notice-after-contract = after the contract's last day ({ $last_day })
error-preview-notified-past = { $notified_on } is before today ({ $today })
error-preview-notified-too-far-ahead = more than { $days } days ahead of today
error-preview-desired-before-notice = { $desired } is before the notification date ({ $notified_on })

## Findings: contest, ruling, closing, reopening

finding-lifecycle-state-open = OPEN
finding-lifecycle-state-contested = CONTESTED
finding-lifecycle-state-contest-upheld = CONTEST_UPHELD
finding-lifecycle-state-contest-dismissed = CONTEST_DISMISSED
finding-lifecycle-state-remedied = REMEDIED
finding-lifecycle-state-withdrawn = WITHDRAWN
finding-move-refused = the finding is { $state }; it may be { $move ->
        [contested] contested
        [ruled-on] ruled on
        [closed] closed
        [reopened] reopened
        [withdrawn] withdrawn
       *[raised-again] raised again
    } only when { $allowed }
finding-contest-grounds-too-short = at least { $min_chars } characters besides spaces
