namespace Microsoft.DotNet.Interactive.Commands
{
    public abstract class KernelCommand;

    public abstract class KernelDirectiveCommand : KernelCommand;
}

namespace Microsoft.DotNet.Interactive.Directives
{
    public abstract class KernelDirective(string name)
    {
        public string Name { get; } = name;
        public string? Description { get; set; }
    }

    public sealed class KernelActionDirective(string name) : KernelDirective(name)
    {
        public List<KernelActionDirective> Subcommands { get; } = [];
        public List<KernelDirectiveParameter> Parameters { get; } = [];
    }

    public sealed class KernelDirectiveParameter(string name, string? description = null)
    {
        public string Name { get; } = name;
        public string? Description { get; } = description;
        public bool AllowImplicitName { get; set; }
        public bool Required { get; set; }
        public bool Flag { get; set; }
        public Func<IEnumerable<string>>? Completions { get; private set; }

        public KernelDirectiveParameter AddCompletions(Func<IEnumerable<string>> completions)
        {
            Completions = completions;
            return this;
        }
    }
}

namespace Microsoft.DotNet.Interactive
{
    using Microsoft.DotNet.Interactive.Commands;
    using Microsoft.DotNet.Interactive.Directives;

    public sealed class KernelInvocationContext
    {
        public List<(object Value, string[] MimeTypes)> Displayed { get; } = [];

        public void Display(object value, params string[] mimeTypes) => Displayed.Add((value, mimeTypes));
    }

    public sealed class Kernel
    {
        public static Kernel Root { get; private set; } = new();

        public static void ResetRoot() => Root = new Kernel();

        public List<(KernelActionDirective Directive, Type? CommandType, Delegate Handler)> Directives { get; } = [];

        public void AddDirective(KernelActionDirective directive, Func<KernelCommand, KernelInvocationContext, Task> handler) =>
            Directives.Add((directive, null, handler));

        public void AddDirective<TCommand>(KernelActionDirective directive, Func<TCommand, KernelInvocationContext, Task> handler)
            where TCommand : KernelDirectiveCommand =>
            Directives.Add((directive, typeof(TCommand), handler));
    }
}
