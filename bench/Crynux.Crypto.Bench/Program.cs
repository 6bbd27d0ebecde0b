using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Crynux.Crypto.Bench.SignatureBenchmarks).Assembly).Run(args);
