using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// Registers only the top-level command (or branch) a run asks for and drops the others. Spectre.Console.Cli builds
/// the model of every registered command by reflection before it parses anything; in the native binary that was about
/// 60% of a short command's start-up (12 of 20 ms for <c>slipway --version</c>, measured with perf), paid again by
/// every <c>slipway build</c> decision and every host-agent call over SSH. A run whose first word is not a
/// command's name (root help, <c>--version</c>, a typo that wants "did you mean") gets the whole tree.
/// </summary>
internal sealed class OneCommandConfigurator(IConfigurator inner, string wanted) : IConfigurator
{
    /// <summary>Whether a command or branch of the wanted name was registered; if not, the caller builds the whole tree.</summary>
    public bool Matched { get; private set; }

    public ICommandAppSettings Settings => inner.Settings;

    public IConfigurator SetHelpProvider(IHelpProvider helpProvider)
    {
        inner.SetHelpProvider(helpProvider);
        return this;
    }

    public IConfigurator SetHelpProvider<T>()
        where T : IHelpProvider
    {
        inner.SetHelpProvider<T>();
        return this;
    }

    public IConfigurator AddExample(params string[] args)
    {
        inner.AddExample(args);
        return this;
    }

    public ICommandConfigurator AddCommand<TCommand>(string name)
        where TCommand : class, ICommand =>
        Wanted(name) ? inner.AddCommand<TCommand>(name) : Dropped.Command;

    public ICommandConfigurator AddDelegate<TSettings>(string name, Func<CommandContext, TSettings, CancellationToken, int> func)
        where TSettings : CommandSettings =>
        Wanted(name) ? inner.AddDelegate(name, func) : Dropped.Command;

    public ICommandConfigurator AddAsyncDelegate<TSettings>(string name, Func<CommandContext, TSettings, CancellationToken, Task<int>> func)
        where TSettings : CommandSettings =>
        Wanted(name) ? inner.AddAsyncDelegate(name, func) : Dropped.Command;

    public IBranchConfigurator AddBranch<TSettings>(string name, Action<IConfigurator<TSettings>> action)
        where TSettings : CommandSettings =>
        Wanted(name) ? inner.AddBranch(name, action) : Dropped.Branch;

    private bool Wanted(string name)
    {
        var wantedHere = string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase);
        Matched |= wantedHere;
        return wantedHere;
    }

    /// <summary>Absorbs the fluent calls (description, examples, aliases) made on a command that was not registered.</summary>
    private sealed class Dropped : ICommandConfigurator, IBranchConfigurator
    {
        public static readonly Dropped Command = new();

        public static readonly Dropped Branch = Command;

        public ICommandConfigurator WithExample(params string[] args) => this;

        public ICommandConfigurator WithAlias(string name) => this;

        public ICommandConfigurator WithDescription(string description) => this;

        public ICommandConfigurator WithData(object data) => this;

        public ICommandConfigurator IsHidden() => this;

        IBranchConfigurator IBranchConfigurator.WithAlias(string name) => this;
    }
}
