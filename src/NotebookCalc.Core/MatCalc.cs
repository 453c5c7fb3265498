using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Syntax;
using NotebookCalc.Text;

namespace NotebookCalc;

/// <summary>
/// The library's one entry point: parse a matcalc expression against declarations (then render, evaluate or sample it),
/// derive gradients, Hessians and Jacobians (<c>Gradient</c>, <c>Hessian</c>, <c>Jacobian</c>) and judge claimed ones
/// (<c>Check</c>, <c>CheckHessian</c>, <c>CheckJacobian</c>). Every user error surfaces as a <see cref="MatcalcException"/>
/// carrying diagnostics with spans.
/// </summary>
public static partial class MatCalc
{
    /// <summary>Parses and type-checks <paramref name="text"/> with the declarations <paramref name="where"/> (LANGUAGE.md §2).</summary>
    public static Expression Parse(string text, string? where = null) => Parse(text, Scope.Parse(where));

    public static Expression Parse(string text, Scope scope) => Parse(text, scope, null);

    /// <summary>Parses an expression whose shape the context fixes (e.g. a claimed gradient: the shape of its variable).</summary>
    public static Expression Parse(string text, Scope scope, Shape? expected)
    {
        var syntax = Parser.Parse(text);
        var (expr, notes, symbols) = Binder.Bind(text, syntax, scope, expected);
        return new Expression(text, expr, scope, notes, symbols);
    }

    /// <summary>Parses; returns false with the diagnostics instead of throwing.</summary>
    public static bool TryParse(string text, Scope scope, out Expression? expression, out IReadOnlyList<Diagnostic> diagnostics)
    {
        try
        {
            expression = Parse(text, scope);
            diagnostics = expression.Notes;
            return true;
        }
        catch (MatcalcException ex)
        {
            expression = null;
            diagnostics = ex.Diagnostics;
            return false;
        }
    }
}

/// <summary>A parsed, shape-checked expression with its declarations.</summary>
public sealed class Expression
{
    internal Expression(string source, Expr expr, Scope scope, IReadOnlyList<Diagnostic> notes, IReadOnlyList<Symbol> symbols)
    {
        Source = source;
        Expr = expr;
        Scope = scope;
        Notes = notes;
        Symbols = symbols;
    }

    /// <summary>The text the user wrote.</summary>
    public string Source { get; }

    public Expr Expr { get; }

    public Scope Scope { get; }

    /// <summary>Informational notes, e.g. which undeclared symbols were taken to be scalars or vectors.</summary>
    public IReadOnlyList<Diagnostic> Notes { get; }

    /// <summary>The symbols the expression uses, in order of appearance, with their inferred shapes.</summary>
    public IReadOnlyList<Symbol> Symbols { get; }

    public Shape Shape => Expr.Shape;

    /// <summary>The same source, scope and symbols with another tree (a claim of 0 read as the zero matrix).</summary>
    internal Expression WithExpr(Expr expr) => new(Source, expr, Scope, Notes, Symbols);

    /// <summary>matcalc text that parses back to the same tree.</summary>
    public string Text => TextPrinter.Print(Expr);

    public string Latex => LatexPrinter.Print(Expr);

    /// <summary>Evaluates with the given values (dimensions are bound from them).</summary>
    public Matrix<double> Evaluate(IReadOnlyDictionary<string, Matrix<double>> values) =>
        Evaluator.Evaluate(Expr, Sampler.Bind(Symbols, values, Source), Source);

    public Matrix<double> Evaluate(Bindings bindings) => Evaluator.Evaluate(Expr, bindings, Source);

    /// <summary>The value of a scalar function (1×1) as a number; a diagnostic (MC2001) when the expression is not scalar.</summary>
    public double EvaluateScalar(Bindings bindings) => Shape.IsScalar
        ? Evaluator.EvaluateScalar(Expr, bindings, Source)
        : throw new MatcalcException(Source, Diagnostic.Error("MC2001", new TextSpan(0, Source.Length), $"The expression is {Shape}, not a scalar.", "Use Evaluate for a matrix value."));

    /// <summary>A random instance of the symbols honouring declared properties, with distinct sizes per dimension.</summary>
    public Bindings Sample(int seed, IReadOnlyDictionary<string, int>? dims = null) => Sampler.Sample(Symbols, seed, dims);

    public override string ToString() => Text;
}
