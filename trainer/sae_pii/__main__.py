from sae_pii.cli import main

main()
