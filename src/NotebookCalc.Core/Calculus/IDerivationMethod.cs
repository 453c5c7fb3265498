using NotebookCalc.Semantics;

namespace NotebookCalc.Calculus;

/// <summary>
/// A method of deriving the gradient of a scalar f with respect to X, with every step as data. Each method lives in its
/// own folder and namespace and depends on no other method (the architecture test holds this); what they share
/// (expressions, rewriting, the Frobenius form, the step terms) lies below them.
/// </summary>
public interface IDerivationMethod
{
    /// <summary>The method's name as --method takes it: gateaux, index, differential.</summary>
    string Name { get; }

    /// <summary>The derivation of ∂f/∂X, or an <see cref="UnsupportedConstructException"/> saying why the method does not apply.</summary>
    Derivation Derive(Expr f, Symbol x);
}

/// <summary>The gradient methods, in display order.</summary>
public static class DerivationMethods
{
    public static readonly IReadOnlyList<IDerivationMethod> All = [GateauxMethod.Method, IndexMethod.Method, DifferentialMethod.Method];

    /// <summary>Their names: gateaux, index, differential.</summary>
    public static readonly string[] Names = [.. All.Select(m => m.Name)];

    /// <summary>The method of that name, or null.</summary>
    public static IDerivationMethod? Find(string name) => All.FirstOrDefault(m => m.Name == name);
}
