# The committee's policy: versions, and why one may not be published.

policy-version-next = The next version of the committee's policy is number { $expected }.
policy-not-retroactive = A version applies from the day after its publication at the earliest: its effective date must be after { $published }.
policy-before-latest = The effective date may not precede that of version { $version } ({ $effective }).
policy-minimum-wages-same-day = Two SMIC amounts take effect on the same day.
policy-decree-number = The décret's number is required.
policy-default-schedule-empty = The default notice schedule needs at least one band.
