using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;
using NotebookCalc.Differentiation.Differentials;
using NotebookCalc.Differentiation.Gateaux;
using NotebookCalc.Differentiation.Index;

namespace NotebookCalc.Differentiation;

/// <summary>The derivations of a Jacobian: the differential dF = L(dX), and the Gâteaux derivative DF(X)[H].</summary>
public static class JacobianMethods
{
    public const string Differential = "differential";
    public const string Gateaux = "gateaux";
    public const string Index = IndexMethod.Name;

    public static readonly string[] Names = [Gateaux, Index, Differential];

    /// <summary>∂F_ij/∂X_ab in index notation, applied to H and read back as matrices (IndexJacobian.cs).</summary>
    public static Derivation DeriveIndex(Expr f, Symbol x, Symbol h)
    {
        var (steps, map) = IndexMethod.JacobianMap(f, x, h);
        return Finish(steps, map, x, h, Index);
    }

    /// <summary>DF(X)[H], the left-hand side of the map's steps.</summary>
    public static DirectionTerm Map(Symbol x, Symbol h) => new(FunctionTerm.Matrix, x, h);

    private static readonly DifferentialTerm DF = new(FunctionTerm.Matrix);

    public static Derivation DeriveDifferential(Expr f, Symbol x, Symbol h)
    {
        var steps = new List<DerivationStep>
        {
            new(FunctionTerm.Matrix, f, ["definition"]),
            new(DF, new Differential(f), ["definition"]),
        };
        var layers = DifferentialMethod.Layers(f, x);
        foreach (var (e, rules) in layers) steps.Add(new DerivationStep(DF, e, rules));
        // No layer when F is the variable itself: dF = dX is already the differential (not zero).
        var last = layers.Count > 0 ? layers[^1].Expr : new Differential(f);
        var map = HessianMethods.Replace(last, e => e is Differential { Of: Symbol s } && s.Name == x.Name ? h : null);
        steps.Add(new DerivationStep(Map(x, h), map, [Rules.IdentifyJacobian.Name]));
        return Finish(steps, map, x, h, Differential);
    }

    public static Derivation DeriveGateaux(Expr f, Symbol x, Symbol h)
    {
        var (expansion, directional) = GateauxMethod.Directional(f, x, h, FunctionTerm.Matrix);
        var steps = new List<DerivationStep>(expansion) { new(Map(x, h), directional, [Rules.GateauxLimit.Name]) };
        return Finish(steps, directional, x, h, Gateaux);
    }

    private static Derivation Finish(List<DerivationStep> steps, Expr map, Symbol x, Symbol h, string method)
    {
        var simplified = Simplifier.Simplify(map, out var rules);
        if (simplified != map) steps.Add(new DerivationStep(Map(x, h), simplified, rules.Count > 0 ? rules : [Rules.Regroup.Name]));
        return new Derivation(method, steps, simplified);
    }
}
