# Le cycle de vie d'un constat : ce que les contrôles et le moniteur écrivent dans son historique.

finding-raised = Constat relevé par les contrôles automatiques.
finding-raised-revised = Constat relevé par les contrôles automatiques, dans sa version révisée.
finding-raised-again = Constat relevé à nouveau : les données l'établissent de nouveau.
finding-revised = Constat révisé par les contrôles automatiques : les semaines ou les chiffres de l'épisode ont changé.
finding-withdrawn = Les volumes hebdomadaires, tels qu'ils sont désormais déclarés, n'établissent plus cet épisode ({ $episode }) : une correction ou une déclaration tardive a modifié les chiffres (événement { $event }).
