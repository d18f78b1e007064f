# La relation commerciale établie entre un donneur d'ordre et un prestataire (Code de commerce, art. L442-1 II).

relationship-since-in-future = Le début d'une relation ne peut pas être postérieur à aujourd'hui ({ $today }).
relationship-name-both = Indiquez le donneur d'ordre et le centre de la relation.
relationship-name-party = Le comité doit indiquer le donneur d'ordre de la relation.
relationship-declare-role = Seuls le comité et le donneur d'ordre lui-même peuvent déclarer le début d'une relation.
