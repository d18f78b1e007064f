"""Translation between the protos (what crosses the wire and the topics) and the rules' own
terms: one package, so a use case reads in the domain's words and a rule never sees a proto.
Codecs import the rules, the shared plumbing and the generated stubs, never a service
(`make lint`)."""
