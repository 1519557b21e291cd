using System.Text.RegularExpressions;

namespace Slipway.Core.Config.Internal;

/// <summary>Binds <c>processes:</c>, the programs the supervisor keeps running.</summary>
internal static partial class ProcessesBinder
{
    public static List<ProcessConfig> Bind(Section root) =>
        NamedEntries.Bind(root, ConfigKeys.Processes, "process", "web or worker", BindProcess);

    private static ProcessConfig? BindProcess(BindContext context, string name, ConfigNode node, string path)
    {
        var s = context.Section(node, path, ConfigKeys.ProcessKeys, "a mapping with at least a command");
        if (s is null)
        {
            return null;
        }

        var command = s.RequiredString("command", "the program and its arguments");
        var defaults = new ProcessConfig { Name = name, Command = "" };
        var process = new ProcessConfig
        {
            Name = name,
            Command = command ?? "",
            Directory = s.String("directory"),
            NumProcs = s.Int("numprocs", 1, 100) ?? defaults.NumProcs,
            AutoStart = s.Bool("autostart") ?? defaults.AutoStart,
            AutoRestart = s.Enum("autorestart", ConfigKeys.AutoRestartValues) ?? defaults.AutoRestart,
            StartSecs = s.Int("startsecs", 0, 3600) ?? defaults.StartSecs,
            StartRetries = s.Int("startretries", 0, 1000) ?? defaults.StartRetries,
            StopSignal = s.Enum("stopsignal", ConfigKeys.StopSignals) ?? defaults.StopSignal,
            StopWaitSecs = s.Int("stopwaitsecs", 0, 86400) ?? defaults.StopWaitSecs,
            RedirectStderr = s.Bool("redirect_stderr") ?? defaults.RedirectStderr,
            Priority = s.Int("priority", 0, 99999) ?? defaults.Priority,
            Rolling = s.Bool("rolling") ?? defaults.Rolling,
            User = s.String("user"),
            Environment = BindEnvironment(s),
            Roles = s.Roles(recordUse: true),
            Location = s.Location,
        };
        return command is null ? null : process;
    }

    internal static Dictionary<string, string> BindEnvironment(Section s) => BindVariables(s, "environment");

    internal static Dictionary<string, string> BindVariables(Section s, string section)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (s.Get(section) is not { } node)
        {
            return result;
        }

        var path = s.PathOf(section);
        if (node is not ConfigMapping mapping)
        {
            s.Context.Error(node, path, $"must be a mapping of variable names to values, got {node.Describe()}");
            return result;
        }

        foreach (var (key, value) in s.Context.UniqueEntries(mapping, path))
        {
            var keyPath = Paths.Child(path, key.Value);
            if (!VariableName().IsMatch(key.Value))
            {
                s.Context.Error(key, keyPath, "variable names are letters, digits and '_', not starting with a digit");
                continue;
            }

            // An empty value is a legitimate setting (VAR=), unlike elsewhere where empty means "default".
            var text = value is ConfigScalar { IsNull: true } ? "" : ValueReader.String(s.Context, value, keyPath);
            if (text is not null)
            {
                result[key.Value] = text;
            }
        }

        return result;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
