using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Numerics;

/// <summary>Step sizes h and the relative error of the central difference at each; the chosen h of the check.</summary>
public sealed record ConvergenceData(IReadOnlyList<double> Steps, IReadOnlyList<double> RelativeErrors, double ChosenStep, int Seed);

/// <summary>φ(t) = f(X + tH) on a grid of t, and the tangent φ(0) + t⟨∇f, H⟩.</summary>
public sealed record LineData(IReadOnlyList<double> T, IReadOnlyList<double> Phi, IReadOnlyList<double> Tangent, double Slope, int Seed);

/// <summary>The symbolic gradient, the finite-difference gradient and their difference on one instance.</summary>
public sealed record HeatmapData(Matrix<double> Symbolic, Matrix<double> FiniteDifference, Matrix<double> Difference, int Seed);

/// <summary>The numbers behind the notebook charts (plotting lives in the NotebookCalc package).</summary>
public static class ChartData
{
    private static (Bindings B, Matrix<double> G, Matrix<double> H, Func<Matrix<double>, double> F) Setup(Expression f, Symbol x, Expr gradient, int seed)
    {
        var symbols = f.Symbols.Concat(gradient.DescendantsAndSelf().OfType<Symbol>()).DistinctBy(s => s.Name);
        var b = Sampler.Sample(symbols, seed);
        var g = Evaluator.Evaluate(gradient, b, f.Source);
        var random = new Random(seed * 7919 + 17);
        var x0 = b[x.Name];
        var h = Matrix<double>.Build.Dense(x0.RowCount, x0.ColumnCount, (_, _) => Sampler.Normal(random));
        h /= h.FrobeniusNorm();
        double F(Matrix<double> at)
        {
            var copy = b.Clone();
            copy.Set(x.Name, at);
            return Evaluator.EvaluateScalar(f.Expr, copy, f.Source);
        }
        return (b, g, h, F);
    }

    public static ConvergenceData Convergence(Expression f, Symbol x, Expr gradient, int seed = 1)
    {
        var (b, g, h, F) = Setup(f, x, gradient, seed);
        var x0 = b[x.Name];
        var an = g.PointwiseMultiply(h).Enumerate().Sum();
        var steps = Enumerable.Range(0, 45).Select(k => Math.Pow(10, -13 + k * 0.3)).ToList();
        var errors = steps.Select(s =>
        {
            var fd = (F(x0 + s * h) - F(x0 - s * h)) / (2 * s);
            return Math.Max(Math.Abs(fd - an) / Math.Max(Math.Abs(an), 1e-300), 1e-17);
        }).ToList();
        return new ConvergenceData(steps, errors, 1e-5 * Math.Max(1, x0.FrobeniusNorm()), seed);
    }

    public static LineData Line(Expression f, Symbol x, Expr gradient, int seed = 1, int points = 81)
    {
        var (b, g, h, F) = Setup(f, x, gradient, seed);
        var x0 = b[x.Name];
        var reach = 0.5 * Math.Max(1, x0.FrobeniusNorm());
        var t = Enumerable.Range(0, points).Select(i => -reach + 2 * reach * i / (points - 1)).ToList();
        var phi = t.Select(s => F(x0 + s * h)).ToList();
        var slope = g.PointwiseMultiply(h).Enumerate().Sum();
        var phi0 = F(x0);
        return new LineData(t, phi, t.Select(s => phi0 + slope * s).ToList(), slope, seed);
    }

    public static HeatmapData Heatmap(Expression f, Symbol x, Expr gradient, int seed = 1)
    {
        var (b, g, _, _) = Setup(f, x, gradient, seed);
        var fd = FiniteDifferenceGradient(f, x.Name, b);
        return new HeatmapData(g, fd, g - fd, seed);
    }

    /// <summary>∂f/∂X at the values <paramref name="b"/>, entry by entry by central differences (step 1e-5·max(1, ‖X‖_F)).</summary>
    public static Matrix<double> FiniteDifferenceGradient(Expression f, string x, Bindings b)
    {
        var x0 = b[x];
        var step = 1e-5 * Math.Max(1, x0.FrobeniusNorm());
        double F(Matrix<double> at)
        {
            var copy = b.Clone();
            copy.Set(x, at);
            return Evaluator.EvaluateScalar(f.Expr, copy, f.Source);
        }
        return Matrix<double>.Build.Dense(x0.RowCount, x0.ColumnCount, (i, j) =>
        {
            var e = Matrix<double>.Build.Dense(x0.RowCount, x0.ColumnCount);
            e[i, j] = step;
            return (F(x0 + e) - F(x0 - e)) / (2 * step);
        });
    }
}
