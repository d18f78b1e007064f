# The protos' field rules (protovalidate) and the rules every request shares: what a value
# must be. Each message is given the rule's values (min_len, max_len, gte, lte…); the field's
# path is given apart, in the error. The words are protovalidate's own.

validation-required = value is required

## Strings

validation-string-min-len = must be at least { NUMBER($min_len, useGrouping: 0) } characters
validation-string-max-len = must be at most { NUMBER($max_len, useGrouping: 0) } characters
validation-string-pattern = does not match regex pattern `{ $pattern }`
validation-string-uuid = must be a valid UUID
validation-string-uuid-empty = value is empty, which is not a valid UUID

## Numbers (integers and decimals of every type)

validation-number-gt = must be greater than { NUMBER($gt, useGrouping: 0) }
validation-number-gte = must be greater than or equal to { NUMBER($gte, useGrouping: 0) }
validation-number-lt = must be less than { NUMBER($lt, useGrouping: 0) }
validation-number-lte = must be less than or equal to { NUMBER($lte, useGrouping: 0) }
validation-number-gt-lt = must be greater than { NUMBER($gt, useGrouping: 0) } and less than { NUMBER($lt, useGrouping: 0) }
validation-number-gt-lte = must be greater than { NUMBER($gt, useGrouping: 0) } and less than or equal to { NUMBER($lte, useGrouping: 0) }
validation-number-gte-lt = must be greater than or equal to { NUMBER($gte, useGrouping: 0) } and less than { NUMBER($lt, useGrouping: 0) }
validation-number-gte-lte = must be greater than or equal to { NUMBER($gte, useGrouping: 0) } and less than or equal to { NUMBER($lte, useGrouping: 0) }
validation-number-gt-lt-exclusive = must be greater than { NUMBER($gt, useGrouping: 0) } or less than { NUMBER($lt, useGrouping: 0) }
validation-number-gt-lte-exclusive = must be greater than { NUMBER($gt, useGrouping: 0) } or less than or equal to { NUMBER($lte, useGrouping: 0) }
validation-number-gte-lt-exclusive = must be greater than or equal to { NUMBER($gte, useGrouping: 0) } or less than { NUMBER($lt, useGrouping: 0) }
validation-number-gte-lte-exclusive = must be greater than or equal to { NUMBER($gte, useGrouping: 0) } or less than or equal to { NUMBER($lte, useGrouping: 0) }
validation-number-const = must equal { NUMBER($value, useGrouping: 0) }
validation-number-in = must be one of { $allowed }
validation-number-not-in = must not be { $count ->
        [one] { $refused }
       *[other] any of { $refused }
    }

## Enums

validation-enum-defined-only = value must be one of the defined enum values
validation-enum-const = must equal { $value }
validation-enum-in = must be one of { $allowed }
validation-enum-not-in = must not be { $count ->
        [one] { $refused }
       *[other] any of { $refused }
    }

## Lists

validation-repeated-min-items = must contain at least { NUMBER($min_items, useGrouping: 0) } item(s)
validation-repeated-max-items = must contain no more than { NUMBER($max_items, useGrouping: 0) } item(s)
validation-repeated-unique = repeated value must contain unique items

## Booleans

validation-bool-const = must equal { $value }

## Timestamps, in universal time (UTC)

# A bound, in ISO 8601: "2000-01-01T00:00:00Z".
validation-instant = { $iso }
validation-timestamp-gt = must be greater than { $gt }
validation-timestamp-gte = must be greater than or equal to { $gte }
validation-timestamp-lt = must be less than { $lt }
validation-timestamp-lte = must be less than or equal to { $lte }
validation-timestamp-gt-lt = must be greater than { $gt } and less than { $lt }
validation-timestamp-gt-lte = must be greater than { $gt } and less than or equal to { $lte }
validation-timestamp-gte-lt = must be greater than or equal to { $gte } and less than { $lt }
validation-timestamp-gte-lte = must be greater than or equal to { $gte } and less than or equal to { $lte }
validation-timestamp-gt-lt-exclusive = must be greater than { $gt } or less than { $lt }
validation-timestamp-gt-lte-exclusive = must be greater than { $gt } or less than or equal to { $lte }
validation-timestamp-gte-lt-exclusive = must be greater than or equal to { $gte } or less than { $lt }
validation-timestamp-gte-lte-exclusive = must be greater than or equal to { $gte } or less than or equal to { $lte }

## The rules of Vigie's own messages (their ids in the protos)

validation-centre-owner-integrated = an integrated centre names the ordering party that owns it; an outsourced one does not
validation-lead-time-unit = at most { $years } years: { NUMBER($calendar_days, useGrouping: 0) } calendar days, { $business_days } business days or { $months } calendar months
validation-finding-owner-required = { $field } or, for an outsourcer's finding, { $alternative } is required (at most { $max_len } characters)
validation-event-id-required = { $field } is required (1 to { $max_len } characters)

## The rules every request shares

validation-control-character = must not contain control characters: { $code }
validation-control-character-free-text = must not contain control characters (line breaks and tabs are allowed): { $code }
validation-not-a-calendar-date = not a calendar date: { $given }
validation-date-range = must be between { $earliest } and { $latest }
