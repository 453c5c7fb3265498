// Types the architecture analyser is tested on: one namespace reaches another only through fully qualified names in
// method bodies (a lambda, a generic instantiation, typeof), never through a using line; another references nothing.

namespace NotebookCalc.Tests.Architecture.Fixture.Callee
{
    public static class Target
    {
        public static int Value() => 42;
    }

    public sealed class Generic<T>
    {
        public T? Item { get; set; }
    }

    public sealed class AsTypeOf;
}

namespace NotebookCalc.Tests.Architecture.Fixture.Caller
{
    public static class UsesQualifiedName
    {
        public static Func<int> Later() => () => NotebookCalc.Tests.Architecture.Fixture.Callee.Target.Value();

        public static object Make() => new NotebookCalc.Tests.Architecture.Fixture.Callee.Generic<int>();

        public static Type Kind() => typeof(NotebookCalc.Tests.Architecture.Fixture.Callee.AsTypeOf);
    }
}

namespace NotebookCalc.Tests.Architecture.Fixture.Apart
{
    public static class NoReferences
    {
        public static int Twice(int x) => 2 * x;
    }
}
