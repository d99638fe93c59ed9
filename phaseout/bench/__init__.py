"""The benchmarks (`phaseout bench registry|assess|cases`, docs/benchmarks.md): each figure
timed against a baseline measured in the same run, on scratch databases in child processes.

harness.py makes the scratch databases and runs the children, report.py writes the one kind
of results file and table, data.py holds the benchmarks' synthetic data (the registry's
generator, also in memory), and registry.py, assess.py and cases.py are the three suites.
The command (phaseout/core/management/commands/bench.py) only parses and delegates."""
