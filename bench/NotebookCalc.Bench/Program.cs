using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using NotebookCalc;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

// `peers`: NotebookCalc and SymPy side by side (Peers.cs); `startup`: whole-process timings (StartupBench.cs);
// `extension`: the notebook package in the real kernel (ExtensionBench.cs);
// `scaling`: the Series* curves, then their section of docs/performance.md; `report`: that section from existing results;
// `probe`: each Series* point once, untimed by BenchmarkDotNet (a quick look); anything else goes to BenchmarkDotNet.
if (args is ["peers", ..]) return Peers.Run(args[1..]);
if (args is ["startup", ..]) return StartupBench.Run(args[1..]);
if (args is ["extension", ..]) return ExtensionBench.Run(args[1..]);
if (args is ["scaling", ..]) return ScalingRun.Run(args[1..]);
if (args is ["report", ..]) return PerformanceReport.Scaling(PerformanceReport.RepoRoot(), ScalingRun.Results(args[1..]), "not measured now");
if (args is ["probe", ..]) return ScalingRun.Probe();
BenchmarkSwitcher.FromAssembly(typeof(SeedProblems).Assembly).Run(args,
    DefaultConfig.Instance.AddJob(Job.ShortRun.WithId("short")).WithOptions(ConfigOptions.DisableOptimizationsValidator));
return 0;

/// <summary>Parse + derivation + simplification + numerical check, per source problem (warm).</summary>
[MemoryDiagnoser]
public class SeedProblems
{
    public static IEnumerable<object[]> Problems() =>
    [
        ["000 symmetric", "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m symmetric invertible; l1, l2: scalar"],
        ["000 general", "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m invertible; l1, l2: scalar"],
        ["001 logdet", "ln det(W W' + s^2 I)", "W", "W: n x m; s: scalar"],
        ["001 trace", "tr(Y' (W W' + s^2 I) Y)", "W", "W: n x m; Y: n x k; s: scalar"],
        ["002 U", "norm(W .* (A - U V'))^2", "U", "W: n x m; A: n x m; U: n x k; V: m x k"],
        ["003 softmax", "norm(softmax(w' B) - beta D' Z)^2", "w", "D: d x m; Z: d x l; B: d x l; w: d x n; beta: n x m"],
        ["004 W", "norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b"],
        ["004 Z", "norm(X W Z - X)^2", "Z", "X: a x b; W: b x c; Z: c x b"],
    ];

    [Benchmark]
    [ArgumentsSource(nameof(Problems))]
    public object Gradient_with_check(string id, string expr, string wrt, string where) =>
        MatCalc.Gradient(expr, wrt, where, new GradientOptions { Seed = 1 });

    [Benchmark]
    [ArgumentsSource(nameof(Problems))]
    public object Derivation_only(string id, string expr, string wrt, string where) =>
        MatCalc.Gradient(expr, wrt, where, new GradientOptions { Check = false });
}

/// <summary>Derivation + simplification time as the expression grows (number of tree nodes).</summary>
[MemoryDiagnoser]
public class Scaling
{
    private Expression _f = null!;

    [Params(1, 4, 16, 40, 80)]
    public int Terms { get; set; }

    public int Nodes => _f.Expr.Size;

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        for (var i = 1; i <= Terms; i++)
        {
            if (i > 1) sb.Append(" + ");
            sb.Append($"{i} tr(A X B) + norm(X - {i} C)^2 / {i + 1}");
        }
        _f = MatCalc.Parse(sb.ToString(), "X: n x m; A: p x n; B: m x p; C: n x m");
        Console.WriteLine($"// Terms={Terms}: {Nodes} nodes");
    }

    [Benchmark]
    public object Derive() => MatCalc.Gradient(_f, "X", new GradientOptions { Check = false });
}
