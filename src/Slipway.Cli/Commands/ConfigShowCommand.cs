using System.ComponentModel;
using Slipway.Core.Config;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands;

public sealed class ConfigShowSettings : ConfigFileSettings
{
    [CommandArgument(0, "<STAGE>")]
    [Description("The stage to resolve (e.g. production).")]
    public string Stage { get; init; } = "";

    [CommandOption("--json")]
    [Description("Print JSON instead of YAML.")]
    public bool Json { get; init; }
}

/// <summary><c>slipway config show STAGE</c>: the configuration as Slipway will use it, defaults filled in.</summary>
public sealed class ConfigShowCommand(IAnsiConsole console) : Command<ConfigShowSettings>
{
    public override int Execute(CommandContext context, ConfigShowSettings settings, CancellationToken cancellationToken)
    {
        var config = ConfigSource.Load(console, settings.File);
        if (config is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var stage = ConfigSource.FindStage(console, config, settings.Stage);
        if (stage is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        // Written raw: the text is data for scripts and must not pass through markup or wrapping.
        var text = settings.Json ? ConfigPrinter.ToJson(config, stage) : ConfigPrinter.ToYaml(config, stage);
        console.Profile.Out.Writer.Write(text.EndsWith('\n') ? text : text + "\n");
        return ExitCodes.Success;
    }
}
