"""The committee's dashboard: French web pages and a live feed of findings, served from the
gRPC APIs only (ComplianceMonitor, LabelRegistry, ContractService, NoticeService)."""
