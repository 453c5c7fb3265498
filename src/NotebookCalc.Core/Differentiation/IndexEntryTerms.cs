using NotebookCalc.Expressions;
using NotebookCalc.Semantics;

namespace NotebookCalc.Differentiation;

/// <summary>
/// An entry of the function a Jacobian or Hessian is about, or its partial derivative: F_ij, ∂F_ij/∂X_ab, and for a Hessian
/// (∇f)_ij and ∂²f/∂X_ij ∂X_ab (the entries of the gradient differentiated once more).
/// </summary>
public sealed record EntryTerm(FunctionKind Function, IndexList Entry, Symbol? Variable = null, IndexList? At = null) : StepTerm;

/// <summary>An entry of the map applied to the direction: DF(X)[H]_ij, ∇²f[H]_ij.</summary>
public sealed record MapEntryTerm(StepTerm Map, IndexList Entry) : StepTerm;

/// <summary>
/// An entry of the vec matrix, ∂vec F/∂(vec X)ᵀ (order 1) or ∂²f/∂vec X ∂(vec X)ᵀ (order 2), at the row and column that
/// column-major vec gives the entries F_ij and X_ab: <see cref="Row"/> = i + p(j − 1), <see cref="Col"/> = a + n(b − 1).
/// </summary>
public sealed record VecEntryTerm(Symbol Variable, int Order, string Row, string Col) : StepTerm;
