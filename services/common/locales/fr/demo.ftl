# La démonstration (services/cli/demo.py) et les lignes de la ligne de commande.

demo-referential-published = Le comité publie une version du référentiel du label (quatre domaines)
demo-referential-version = référentiel v{ $version } : { $title }
demo-labelled-registers = { $centre } s'enregistre : un prestataire avec des sites en France et au Maroc
demo-audit-recorded = Un audit est enregistré sur ce référentiel ; chaque domaine est noté
demo-audit-area = { $area } : { $score }/{ $max } (seuil { $threshold } %) { $passed ->
    [yes] atteint
   *[no] non atteint
}
demo-label-granted = Le comité accorde le label pour trois ans
demo-label-read = Un donneur d'ordre consulte le statut du label, mais ne peut pas lire l'audit
demo-label-status = statut du label : { $status ->
    [granted] accordé
    [suspended] suspendu
    [withdrawn] retiré
    [expired] expiré
    [none] aucun
   *[other] inconnu
}
demo-audit-refused = lecture de l'audit par un donneur d'ordre : { $code } : { $details }
demo-label-suspended = Une plainte : le comité suspend le label, avec un délai pour y remédier
demo-label-reinstated = Le centre remédie ; le comité rétablit le label
demo-unlabelled-registers = { $centre }, un prestataire sans label, s'enregistre aussi
demo-tender = { $party } enregistre un appel d'offres pérenne : paiement à 75 jours, enchère inversée (le renouvellement d'une activité en cours depuis dix semaines)
demo-bids = Les deux centres soumissionnent : le centre labellisé est 4 % plus cher
demo-bid-price = { $centre } : { NUMBER($price, minimumFractionDigits: 2) } € par heure productive
demo-award = La banque attribue le marché au centre le moins cher, non labellisé
demo-contract-signed = contrat { $contract } signé avec { $centre }
demo-committee-watches = Le comité suit les constats concernant { $party }
demo-findings-reach = Les constats des contrôles en continu parviennent au flux du comité
demo-findings-count = { $count } constats (attendus : { $expected })
demo-events-wait = Attente de l'arrivée de chaque événement sur Kafka
demo-events-count = { $count } événements vus pour cette histoire (attendus : { $expected }).
demo-unexpected = réponse inattendue { $code } : { $details }

# Un constat sur une ligne, dans la ligne de commande.
finding-line = constat [{ $severity ->
    [info] information
    [warning] avertissement
    [serious] grave
   *[other] gravité inconnue
}, { $state ->
    [open] ouvert
    [contested] contesté
    [contest_upheld] contestation admise
    [contest_dismissed] contestation rejetée
    [remedied] remédié
    [withdrawn] retiré
   *[other] état inconnu
}] { $party } { $rule } : { $summary }
