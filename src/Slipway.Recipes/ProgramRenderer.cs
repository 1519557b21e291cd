using System.Globalization;
using System.Text;
using Slipway.Core.Config;

namespace Slipway.Recipes;

/// <summary>
/// Renders the <c>processes:</c> a host runs into supervisord <c>[program:x]</c> sections (the same text for Slipway's
/// own daemon and a real supervisord). Host variables are expanded; <c>%</c> is doubled, since supervisord reads
/// <c>%(name)s</c> expressions in values. Pure.
/// </summary>
public static class ProgramRenderer
{
    /// <summary>Without the Django recipe, what a program's PATH starts from (supervisord's default search path).</summary>
    private const string SystemPath = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>
    /// The processes whose roles <paramref name="host"/> has (all hosts when a process names none), in file order, then
    /// the <c>workers:</c> it runs (<see cref="WorkerPrograms"/>).
    /// </summary>
    public static IReadOnlyList<ProcessConfig> ProcessesFor(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        return [.. config.Processes.Concat(WorkerPrograms.For(config, host)).Where(p => p.Roles.Count == 0 || p.Roles.Any(host.HasRole))];
    }

    /// <summary>
    /// What program names start with on the host's supervisor: nothing for Slipway's own daemon (one per application),
    /// <c>APPLICATION-</c> for a real supervisord, which other applications share (two sites' <c>web</c> must not clash).
    /// </summary>
    public static string ProgramPrefix(SlipwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Supervisor.Kind == SupervisorKind.Supervisord ? config.Application + "-" : "";
    }

    /// <summary>The <c>[program:NAME]</c> (and group) name of a process on the host's supervisor.</summary>
    public static string ProgramName(SlipwayConfig config, ProcessConfig process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return ProgramPrefix(config) + process.Name;
    }

    /// <summary>
    /// A program as a user names it (<c>web</c>, <c>worker:*</c>, <c>worker:worker_01</c>, or the supervisor's own name)
    /// in the supervisor's names: a process name gets the prefix; anything else is passed on as given.
    /// </summary>
    public static string ToSupervisorName(SlipwayConfig config, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var prefix = ProgramPrefix(config);
        if (prefix.Length == 0)
        {
            return name;
        }

        var names = WorkerPrograms.ProgramNames(config).ToList();
        string Map(string part) => names.Any(n => part == n || part.StartsWith(n + "_", StringComparison.Ordinal)) ? prefix + part : part;
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? Map(name) : Map(name[..colon]) + ":" + (name[(colon + 1)..] == "*" ? "*" : Map(name[(colon + 1)..]));
    }

    /// <summary>The whole programs file for <paramref name="host"/>: a header line and one section per process.</summary>
    public static string Render(SlipwayConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        var text = new StringBuilder();
        text.Append("; Written by slipway deploy for ").Append(config.Application).Append(" on ").Append(host.DisplayName)
            .Append(" from ").Append(Path.GetFileName(config.SourceFile)).Append("; edits here are replaced by the next deploy.\n");
        foreach (var process in ProcessesFor(config, host))
        {
            text.Append('\n').Append(Section(config, host, process));
        }

        return text.ToString();
    }

    /// <summary>One <c>[program:name]</c> section.</summary>
    public static string Section(SlipwayConfig config, HostConfig host, ProcessConfig process)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(process);
        var current = HostLayout.For(config, host).Current;
        var django = config.Recipes.Django;
        var lines = new List<(string Key, string Value)>
        {
            ("command", Escape(Command(process, host, django, current))),
        };
        if (process.NumProcs > 1)
        {
            lines.Add(("process_name", "%(program_name)s_%(process_num)02d"));
            lines.Add(("numprocs", Number(process.NumProcs)));
        }

        lines.Add(("directory", Escape(Directory(process, host, current))));
        lines.Add(("autostart", process.AutoStart ? "true" : "false"));
        lines.Add(("autorestart", process.AutoRestart));
        lines.Add(("startsecs", Number(process.StartSecs)));
        lines.Add(("startretries", Number(process.StartRetries)));
        lines.Add(("stopsignal", process.StopSignal));
        lines.Add(("stopwaitsecs", Number(process.StopWaitSecs)));
        // A command wrapped in a shell, or a server that forks workers, must not leave children behind when stopped
        // (a queue worker stops its jobs itself, after their grace time; SIGKILL still takes the whole group).
        lines.Add(("stopasgroup", process.StopAsGroup ? "true" : "false"));
        lines.Add(("killasgroup", "true"));
        lines.Add(("redirect_stderr", process.RedirectStderr ? "true" : "false"));
        lines.Add(("priority", Number(process.Priority)));
        if (process.User is not null)
        {
            lines.Add(("user", Escape(process.User)));
        }

        var environment = Environment(process, host, django, current);
        if (environment.Count > 0)
        {
            lines.Add(("environment", string.Join(',', environment.Select(e => e.Key + "=" + Quote(e.Value)))));
        }

        var text = new StringBuilder().Append("[program:").Append(ProgramName(config, process)).Append("]\n");
        foreach (var (key, value) in lines)
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The command supervisord starts. With the Django recipe, a bare program name is resolved through the program's
    /// own PATH (the release's virtualenv first) by <c>/usr/bin/env</c>: supervisord itself would search its own PATH.
    /// With an env file, a shell loads it first and then execs the command (same pid, signals reach it).
    /// </summary>
    private static string Command(ProcessConfig process, HostConfig host, DjangoRecipeConfig? django, string current)
    {
        var command = HostVars.Expand(process.Command, host).Trim();
        if (django is null)
        {
            return command;
        }

        if (django.EnvFile is not null)
        {
            var script = "set -a && . " + Core.Shell.ShellQuote.Quote(EnvFilePath(django, current)) + " && set +a && exec " + command;
            return "/bin/sh -c " + Core.Shell.ShellQuote.Quote(script);
        }

        return command.StartsWith('/') ? command : "/usr/bin/env " + command;
    }

    private static string Directory(ProcessConfig process, HostConfig host, string current)
    {
        if (process.Directory is null)
        {
            return current;
        }

        var directory = HostVars.Expand(process.Directory, host);
        return directory.StartsWith('/') ? directory : current + "/" + directory;
    }

    private static List<KeyValuePair<string, string>> Environment(
        ProcessConfig process, HostConfig host, DjangoRecipeConfig? django, string current)
    {
        var result = new List<KeyValuePair<string, string>>();
        var own = process.Environment.ToDictionary(e => e.Key, e => HostVars.Expand(e.Value, host), StringComparer.Ordinal);
        if (django is not null)
        {
            var path = own.Remove("PATH", out var given) ? given : SystemPath;
            result.Add(new("PATH", current + "/" + ReleaseLayout.Venv + "/bin:" + path));
            if (django.Settings is not null && !own.ContainsKey("DJANGO_SETTINGS_MODULE"))
            {
                result.Add(new("DJANGO_SETTINGS_MODULE", django.Settings));
            }

            if (!own.ContainsKey("SLIPWAY_STATIC_ROOT"))
            {
                result.Add(new("SLIPWAY_STATIC_ROOT", SharedOf(current) + "/" + django.StaticDir));
            }
        }

        result.AddRange(own.OrderBy(e => e.Key, StringComparer.Ordinal));
        return result;
    }

    internal static string EnvFilePath(DjangoRecipeConfig django, string current) =>
        django.EnvFile!.StartsWith('/') ? django.EnvFile : SharedOf(current) + "/" + django.EnvFile;

    private static string SharedOf(string current) => current[..current.LastIndexOf('/')] + "/shared";

    /// <summary>supervisord reads values with <c>%(name)s</c> expansion: a literal % is written %%.</summary>
    private static string Escape(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>
    /// A value in supervisord's <c>environment=</c> list. supervisord splits it with a non-POSIX shlex: a quoted value
    /// ends at the next same quote and nothing is escaped, so a value is put in the quotes it does not contain.
    /// </summary>
    private static string Quote(string value)
    {
        var quote = value.Contains('"', StringComparison.Ordinal) ? '\'' : '"';
        if (value.Contains(quote, StringComparison.Ordinal))
        {
            throw new RecipeException($"processes: an environment value with both ' and \" cannot be written for supervisord: {value}");
        }

        return quote + Escape(value) + quote;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
