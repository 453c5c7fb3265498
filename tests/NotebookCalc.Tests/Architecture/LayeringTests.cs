using System.Reflection;
using NotebookCalc.Differentiation;

namespace NotebookCalc.Tests.Architecture;

/// <summary>
/// The layering of NotebookCalc.Core, read from the compiled assembly's metadata and IL (<see cref="DependencyGraph"/>),
/// so a fully qualified name in a method body counts as much as a using line. Expressions, syntax and semantics at the
/// bottom; rewriting over them; differentiation (one namespace per method) over rewriting; numerics and rendering beside
/// it; the entry point MatCalc on top.
/// </summary>
public class LayeringTests
{
    private static readonly Lazy<DependencyGraph> Core = new(() => DependencyGraph.Of(typeof(MatCalc).Assembly.Location));

    private static readonly string[] Methods =
    [
        "NotebookCalc.Differentiation.Differentials", "NotebookCalc.Differentiation.Gateaux", "NotebookCalc.Differentiation.Index",
    ];

    private static bool In(string ns, string layer) => ns == layer || ns.StartsWith(layer + ".", StringComparison.Ordinal);

    /// <summary>The references from <paramref name="from"/> (and its sub-namespaces) into <paramref name="to"/> (and its).</summary>
    private static List<Edge> Between(DependencyGraph g, string from, string to) =>
        g.Edges.Where(e => In(e.FromNamespace, from) && In(e.ToNamespace, to)).ToList();

    private static void None(DependencyGraph g, string from, string to)
    {
        var found = Between(g, from, to);
        Assert.True(found.Count == 0,
            $"{from} must not depend on {to}, but {found.Count} references do, e.g.:\n" +
            string.Join("\n", found.Take(8).Select(e => $"  {e.Where} → {e.ToType}")));
    }

    // ───────────── the analyser finds what it must ─────────────

    [Fact]
    public void The_analyser_sees_references_that_no_using_line_names()
    {
        var g = DependencyGraph.Of(typeof(LayeringTests).Assembly.Location);
        // Fixture.Caller names Fixture.Callee only by its fully qualified name, inside a lambda; Fixture.Apart names nothing.
        Assert.Contains(g.Edges, e => e.FromType == typeof(Fixture.Caller.UsesQualifiedName).FullName && e.ToType == typeof(Fixture.Callee.Target).FullName);
        Assert.Contains(g.Edges, e => e.FromNamespace == typeof(Fixture.Caller.UsesQualifiedName).Namespace && e.ToType == typeof(Fixture.Callee.Generic<>).FullName);
        Assert.Contains(g.Edges, e => e.FromNamespace == typeof(Fixture.Caller.UsesQualifiedName).Namespace && e.ToType == typeof(Fixture.Callee.AsTypeOf).FullName);
        Assert.DoesNotContain(g.Edges, e => e.FromNamespace == typeof(Fixture.Apart.NoReferences).Namespace && e.ToNamespace.StartsWith("NotebookCalc.Tests.Architecture.Fixture", StringComparison.Ordinal)
            && e.ToNamespace != e.FromNamespace);
    }

    [Fact]
    public void The_analyser_finds_known_edges_of_the_core()
    {
        var g = Core.Value;
        // Printers read the syntax tables (Greek letters, operator facts); the binder builds expressions; Expr.ToString
        // prints through TextPrinter by its fully qualified name in a method body (no using line in Expr.cs).
        Assert.NotEmpty(Between(g, "NotebookCalc.Rendering", "NotebookCalc.Syntax"));
        Assert.NotEmpty(Between(g, "NotebookCalc.Semantics", "NotebookCalc.Expressions"));
        Assert.Contains(g.Edges, e => e.FromType == "NotebookCalc.Expressions.Expr" && e.ToType == "NotebookCalc.Rendering.TextPrinter" && e.Where.EndsWith(": body", StringComparison.Ordinal));
        Assert.Contains("MathNet.Numerics", g.AssemblyReferences);
        // Every method is reached from the shared plumbing (the registry of methods).
        Assert.All(Methods, m => Assert.Contains(Between(g, "NotebookCalc.Differentiation", m), e => e.FromNamespace == "NotebookCalc.Differentiation"));
    }

    // ───────────── the layering ─────────────

    [Fact]
    public void Differentiation_does_not_depend_on_rendering_or_numerics()
    {
        None(Core.Value, "NotebookCalc.Differentiation", "NotebookCalc.Rendering");
        None(Core.Value, "NotebookCalc.Differentiation", "NotebookCalc.Numerics");
    }

    [Fact]
    public void Rendering_does_not_depend_on_numerics() => None(Core.Value, "NotebookCalc.Rendering", "NotebookCalc.Numerics");

    [Fact]
    public void Each_method_is_independent_of_the_others()
    {
        foreach (var a in Methods)
            foreach (var b in Methods.Where(b => b != a))
                None(Core.Value, a, b);
    }

    [Fact]
    public void Every_gradient_method_has_its_own_namespace_behind_the_interface()
    {
        var namespaces = DerivationMethods.All.Select(m => m.GetType().DeclaringType?.Namespace ?? m.GetType().Namespace).ToList();
        Assert.Equal(Methods.Order(), namespaces.Order());
        Assert.Equal(MatCalc.MethodNames, DerivationMethods.Names);
    }

    [Fact]
    public void The_lower_layers_do_not_reach_up()
    {
        var g = Core.Value;
        foreach (var up in new[] { "NotebookCalc.Semantics", "NotebookCalc.Rewriting", "NotebookCalc.Differentiation", "NotebookCalc.Numerics", "NotebookCalc.Notebook" })
            None(g, "NotebookCalc.Expressions", up);
        foreach (var up in new[] { "NotebookCalc.Expressions", "NotebookCalc.Semantics", "NotebookCalc.Rewriting", "NotebookCalc.Differentiation", "NotebookCalc.Numerics", "NotebookCalc.Rendering", "NotebookCalc.Notebook" })
            None(g, "NotebookCalc.Syntax", up);
        foreach (var up in new[] { "NotebookCalc.Rewriting", "NotebookCalc.Differentiation", "NotebookCalc.Numerics", "NotebookCalc.Rendering", "NotebookCalc.Notebook" })
            None(g, "NotebookCalc.Semantics", up);
        foreach (var up in new[] { "NotebookCalc.Differentiation", "NotebookCalc.Numerics", "NotebookCalc.Notebook" })
            None(g, "NotebookCalc.Rewriting", up);
        // Text (diagnostics, spans, numbers in messages) is the bottom: it depends on no other layer.
        Assert.DoesNotContain(g.Edges, e => In(e.FromNamespace, "NotebookCalc.Text") && e.ToNamespace.StartsWith("NotebookCalc", StringComparison.Ordinal) && !In(e.ToNamespace, "NotebookCalc.Text"));
    }

    [Fact]
    public void The_core_knows_no_host()
    {
        var g = Core.Value;
        string[] banned = ["Microsoft.DotNet.Interactive", "Plotly", "XPlot", "Microsoft.CodeAnalysis", "System.CommandLine", "Microsoft.AspNetCore"];
        var types = g.Edges.Where(e => banned.Any(b => e.ToNamespace.StartsWith(b, StringComparison.Ordinal))).ToList();
        Assert.True(types.Count == 0, string.Join("\n", types.Take(8).Select(e => $"{e.Where} → {e.ToType}")));
        Assert.DoesNotContain(g.AssemblyReferences, a => banned.Any(b => a.StartsWith(b, StringComparison.Ordinal)));
        Assert.DoesNotContain(typeof(MatCalc).Assembly.GetReferencedAssemblies(), a => banned.Any(b => a.Name!.StartsWith(b, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_folders_are_the_namespaces()
    {
        var root = Path.Combine(Support.Katex.RepoRoot(), "src", "NotebookCalc.Core");
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
        {
            var folder = Path.GetDirectoryName(Path.GetRelativePath(root, file))!;
            var expected = "NotebookCalc" + (folder.Length == 0 ? "" : "." + folder.Replace(Path.DirectorySeparatorChar, '.'));
            var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("namespace ", StringComparison.Ordinal));
            Assert.True(line == $"namespace {expected};", $"{Path.GetRelativePath(root, file)}: {line ?? "no namespace"} (expected namespace {expected};)");
        }
    }

    [Fact]
    public void MatCalc_is_the_one_public_entry_point()
    {
        var core = typeof(MatCalc).Assembly;
        Assert.Null(core.GetType("NotebookCalc.Calculus.MatrixCalculus"));
        Assert.Null(core.GetType("NotebookCalc.MatrixCalculus"));
        // Whatever derives or judges from text (a string expression, the variable's name) is on MatCalc.
        var entry = core.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(GradientResult) || m.ReturnType == typeof(HessianResult) || m.ReturnType == typeof(JacobianResult) || m.ReturnType == typeof(ClaimReport))
            .Select(m => m.DeclaringType!).Distinct().ToList();
        Assert.Equal([typeof(MatCalc)], entry);
        foreach (var name in new[] { "Parse", "Gradient", "Hessian", "Jacobian", "Check", "CheckHessian", "CheckJacobian" })
            Assert.NotNull(typeof(MatCalc).GetMethod(name, [typeof(string), typeof(string), typeof(string), typeof(string), typeof(GradientOptions)])
                ?? typeof(MatCalc).GetMethod(name, [typeof(string), typeof(string), typeof(string), typeof(GradientOptions)])
                ?? typeof(MatCalc).GetMethod(name, [typeof(string), typeof(string)]));
    }
}
