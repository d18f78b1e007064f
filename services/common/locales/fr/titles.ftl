# Le nom de chaque règle et de chaque type de constat, tel que le comité les lit.

## Les règles (leur identifiant stable, services/rules/findings.py RULE_IDS)

rule-payment-terms = Délais de paiement
rule-price-below-floor = Prix inférieur au coût minimal d'un agent
rule-reverse-auction-perennial = Enchère inversée sur une activité pérenne
rule-short-perennial-contract = Contrat trop court pour une activité pérenne
rule-penalties-uncapped = Pénalités non plafonnées
rule-penalty-cap-above-limit = Plafond de pénalités trop élevé
rule-no-volume-commitment = Aucun engagement de volume
rule-no-notice-schedule = Aucun barème de délais de prévenance
rule-notice-band-below-agent-floor = Tranche de préavis plus courte que le délai de prévenance des conseillers
rule-short-termination-notice = Préavis de résiliation trop court
rule-short-partial-termination-notice = Préavis trop court pour une rupture partielle
rule-label-preference = Centre non labellisé retenu malgré une offre labellisée
rule-notice-breach = Délai de prévenance non respecté
rule-disguised-perennial = Campagnes enchaînées en activité pérenne
rule-unannounced-change = Variation de volume sans préavis
rule-forecast-accuracy = Prévisions durablement erronées
rule-offshoring-shift = Volume transféré vers l'étranger
rule-offshoring-drift = Dérive lente du volume vers l'étranger
rule-offshore-amendment = Avenant ouvrant des sites à l'étranger
rule-offshore-allowed-perennial = Appel d'offres pérenne ouvert à l'étranger

## Les types de constat (vigie.compliance.v1.FindingType)

finding-type-label-preference = Préférence pour les centres labellisés
finding-type-disguised-perennial = Activité pérenne déguisée
finding-type-purchasing-practice = Pratique d'achat
finding-type-notice-breach = Délai de prévenance non respecté
finding-type-unannounced-change = Variation de volume non annoncée
finding-type-forecast-accuracy = Prévisions de volume
finding-type-offshoring = Délocalisation
