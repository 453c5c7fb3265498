using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Calculus;

/// <summary>Options shared by gradient and check.</summary>
public sealed record GradientOptions
{
    /// <summary>"all" or one method name.</summary>
    public string Method { get; init; } = "all";
    public bool Check { get; init; } = true;
    public int Seed { get; init; } = 1;
    public IReadOnlyDictionary<string, int>? Dims { get; init; }
}

/// <summary>A gradient with its derivations, agreement and numerical check.</summary>
public sealed record GradientResult(
    Expression Function,
    Symbol Variable,
    IReadOnlyList<Derivation> Methods,
    Expr Gradient,
    bool Agree,
    string AgreementBasis,
    CheckReport? Check,
    string? Convention = null);

/// <summary>The verdict on a claimed gradient.</summary>
public sealed record ClaimReport(
    bool Right,
    string Verdict,
    Expr Gradient,
    Expr? Claim,
    string How,
    Counterexample? Counterexample,
    IReadOnlyList<string> Hints,
    IReadOnlyList<Diagnostic> ClaimDiagnostics,
    VerdictBasis? Basis = null)
{
    /// <summary>"gradient", or "hessian": <see cref="Gradient"/> is then the derived map ∇²f[H] and the claim a map of H.</summary>
    public string Derivative { get; init; } = "gradient";

    /// <summary>The direction a Hessian claim is written in (H unless the function has a symbol H).</summary>
    public string? Direction { get; init; }

    /// <summary>What the claim is compared with, as text: ∂f/∂X, or ∇²f[H].</summary>
    public string Label(string variable) => Derivative switch
    {
        "hessian" => $"∇²f[{Direction ?? "H"}]",
        "jacobian" => $"DF({variable})[{Direction ?? "H"}]",
        _ => $"∂f/∂{variable}",
    };
}

/// <summary>An instance on which a claim and the true gradient differ, with the entries that differ most.</summary>
public sealed record Counterexample(int Seed, IReadOnlyDictionary<string, int> Sizes, IReadOnlyDictionary<string, Matrix<double>> Values,
    Matrix<double> Expected, Matrix<double> Claimed, IReadOnlyList<(int Row, int Col, double Expected, double Claimed)> Differences)
{
    /// <summary>Every entry that differs beyond the tolerance (0-based), in row-major order.</summary>
    public IReadOnlyList<(int Row, int Col)> Differing { get; init; } = [.. Differences.Select(d => (d.Row, d.Col)).Order()];

    /// <summary>‖expected − claimed‖_F / max(‖expected‖_F, ‖claimed‖_F), the relative error the verdict compared.</summary>
    public double RelativeError
    {
        get
        {
            var scale = Math.Max(Expected.FrobeniusNorm(), Claimed.FrobeniusNorm());
            return scale == 0 ? 0 : (Expected - Claimed).FrobeniusNorm() / scale;
        }
    }
}
