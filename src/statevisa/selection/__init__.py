"""Selection: ranked rounds, verifiable weighted lotteries and stable matching, on arrays."""
