using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Build;

/// <summary>
/// <c>slipway build [PKG…]</c> and <c>slipway artifacts diff|gc</c>: dependency builds from slipway.yml's build: section
/// (docs/build.md). The store commands are a branch of their own because a Spectre branch's default command hides its
/// options from --help and the contract tests; <c>build</c> stays one command whose options all show.
/// </summary>
internal static class BuildCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<BuildCommand>("build")
            .WithDescription("Build the packages of slipway.yml's build: section that are missing, in dependency order, fetching cached artifacts.")
            .WithExample("build")
            .WithExample("build", "libfoo", "-j", "4")
            .WithExample("build", "--explain")
            .WithExample("build", "--dry-run", "--json");
        config.AddBranch("artifacts", branch =>
        {
            branch.SetDescription("Inspect and prune the artifact store of slipway.yml's build: section.");
            branch.AddCommand<BuildDiffCommand>("diff")
                .WithDescription("Show the inputs in which two stored artifacts differ, with both values.")
                .WithExample("artifacts", "diff", "3f2a9c01", "77b0e412")
                .WithExample("artifacts", "diff", "3f2a9c01", "77b0e412", "--json");
            branch.AddCommand<BuildGcCommand>("gc")
                .WithDescription("Remove all but the newest artifacts of every package from the local store.")
                .WithExample("artifacts", "gc", "--keep", "3")
                .WithExample("artifacts", "gc", "--keep", "1", "--dry-run");
        });
    }
}
