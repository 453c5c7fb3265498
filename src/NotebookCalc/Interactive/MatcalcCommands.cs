using Microsoft.DotNet.Interactive.Commands;

namespace NotebookCalc.Interactive;

// One command type per #!matcalc subcommand: the kernel keeps one handler per command type, so sharing a type would
// leave the last registered handler serving every subcommand. The properties are the subcommand's parameters of
// MatCalcSession.Subcommands (the host binds --wrt to Wrt, the implicit expression to Expr); a test checks they match.

public sealed class MatcalcLet : KernelDirectiveCommand
{
    public string? Expr { get; set; }
}

/// <summary>The parameters gradient, hessian and jacobian share (each still gets a type of its own, see above).</summary>
public abstract class MatcalcDerivation : KernelDirectiveCommand
{
    public string? Expr { get; set; }
    public string? Wrt { get; set; }
    public string? Where { get; set; }
    public string? Method { get; set; }
    public string? Check { get; set; }
    public string? Seed { get; set; }
    public string? Dims { get; set; }
}

public sealed class MatcalcGradient : MatcalcDerivation;

public sealed class MatcalcHessian : MatcalcDerivation;

public sealed class MatcalcJacobian : MatcalcDerivation;

public sealed class MatcalcCheck : KernelDirectiveCommand
{
    public string? Expr { get; set; }
    public string? Wrt { get; set; }
    public string? Claim { get; set; }
    public string? Where { get; set; }
    public string? Seed { get; set; }
    public string? Dims { get; set; }
    public string? Answer { get; set; }
    public string? Derivative { get; set; }
}

public sealed class MatcalcShow : KernelDirectiveCommand
{
    public string? Expr { get; set; }
    public string? Where { get; set; }
}

public sealed class MatcalcEval : KernelDirectiveCommand
{
    public string? Expr { get; set; }
    public string? At { get; set; }
    public string? Where { get; set; }
}

public sealed class MatcalcPlot : KernelDirectiveCommand
{
    public string? Kind { get; set; }
    public string? Expr { get; set; }
    public string? Wrt { get; set; }
    public string? Where { get; set; }
    public string? Seed { get; set; }
    public string? Dims { get; set; }
}

public sealed class MatcalcHelp : KernelDirectiveCommand
{
}
