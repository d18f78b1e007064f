from services.compliance.monitor.main import main

main()
