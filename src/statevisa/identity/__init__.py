"""Identity: certify a document and a person, and find one person across states without raw data.

Pure core (no I/O beyond its own package data, no clock): MRZ parsing and checks (`mrz`),
country codes (`codes`), national numbers (`national`), name and date normalisation (`names`,
`dates`), keyed tokens (`tokens`), record linkage settings (`linkage`, `people`) and a
synthetic population with known truth (`synthetic`). The rules are documented in
docs/identity.md.
"""
