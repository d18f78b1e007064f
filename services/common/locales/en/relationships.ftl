# The established commercial relationship between an ordering party and an outsourcer (Code de commerce L442-1 II).

relationship-since-in-future = A relationship cannot start after today ({ $today }).
relationship-name-both = Name the ordering party and the centre of the relationship.
relationship-name-party = The committee must name the ordering party of the relationship.
relationship-declare-role = Only the committee and the ordering party itself may declare when a relationship began.
