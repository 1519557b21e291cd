using System.Globalization;

namespace Slipway.Supervisor.Config;

/// <summary>
/// Reads a supervisord.conf (and its <c>[include]</c> files) into a <see cref="SupervisorConfig"/>, with
/// supervisord's defaults, datatypes and <c>%(name)s</c> expansions. Errors name file, line, section and option.
/// </summary>
public sealed class ConfigReader(IReadOnlyDictionary<string, string> environment, string workingDirectory, string hostName)
{
    public static ConfigReader ForCurrentProcess()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return new ConfigReader(env, System.Environment.CurrentDirectory, System.Environment.MachineName);
    }

    public SupervisorConfig Read(string path)
    {
        var fullPath = Path.GetFullPath(path, workingDirectory);
        if (!File.Exists(fullPath))
        {
            throw new ConfigException($"could not find config file {fullPath}");
        }

        var document = IniParser.Parse(File.ReadAllText(fullPath), fullPath, new IniDocument());
        var heres = new Dictionary<IniSection, string>();
        foreach (var s in document.Sections)
        {
            heres[s] = Path.GetDirectoryName(fullPath)!;
        }

        ReadIncludes(document, fullPath, heres);
        var supervisord = document.Get("supervisord") ?? throw new ConfigException($"{fullPath}: .ini file does not include supervisord section");
        var daemon = ReadDaemon(supervisord, heres[supervisord]);
        var envNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in environment)
        {
            envNames["ENV_" + k] = v;
        }

        foreach (var (k, v) in daemon.Environment)
        {
            envNames["ENV_" + k] = v;
        }

        var unix = document.Get("unix_http_server") is { } u ? ReadUnixServer(u, Names(u, heres, envNames)) : null;
        var inet = document.Get("inet_http_server") is { } i ? ReadInetServer(i, Names(i, heres, envNames)) : null;
        var hasRpc = document.Sections.Any(s => s.Name.StartsWith("rpcinterface:", StringComparison.Ordinal));
        var groups = ReadGroups(document, heres, envNames, daemon);
        return new SupervisorConfig(fullPath, daemon, unix, inet, hasRpc, groups);
    }

    private void ReadIncludes(IniDocument document, string mainFile, Dictionary<IniSection, string> heres)
    {
        var include = document.Get("include");
        if (include?.Get("files") is not { } files)
        {
            if (include is not null)
            {
                throw ConfigException.At(include, ".ini file has [include] section, but no files setting");
            }

            return;
        }

        var here = Path.GetDirectoryName(mainFile)!;
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["here"] = here, ["host_node_name"] = hostName };
        foreach (var (k, v) in environment)
        {
            names["ENV_" + k] = v;
        }

        var expanded = Expander.Expand(files.Value, names, m => ConfigException.At(files, "include", m));
        foreach (var pattern in expanded.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var absolute = Path.GetFullPath(pattern, here);
            foreach (var file in Glob(absolute))
            {
                var before = new HashSet<IniSection>(document.Sections);
                try
                {
                    IniParser.Parse(File.ReadAllText(file), file, document);
                }
                catch (IOException e)
                {
                    throw ConfigException.At(files, "include", $"could not read included file {file}: {e.Message}");
                }

                foreach (var s in document.Sections.Where(s => !before.Contains(s)))
                {
                    heres[s] = Path.GetDirectoryName(file)!;
                }
            }
        }
    }

    private static List<string> Glob(string absolutePattern)
    {
        var directory = Path.GetDirectoryName(absolutePattern)!;
        var filePattern = Path.GetFileName(absolutePattern);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        if (filePattern.IndexOfAny(['*', '?', '[']) < 0)
        {
            return File.Exists(absolutePattern) ? [absolutePattern] : [];
        }

        return Directory.EnumerateFiles(directory, filePattern).Order(StringComparer.Ordinal).ToList();
    }

    private Dictionary<string, string> Names(IniSection section, Dictionary<IniSection, string> heres, Dictionary<string, string> env)
    {
        var names = new Dictionary<string, string>(env, StringComparer.Ordinal)
        {
            ["here"] = heres.GetValueOrDefault(section, workingDirectory),
            ["host_node_name"] = hostName,
        };
        return names;
    }

    private DaemonOptions ReadDaemon(IniSection s, string here)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["here"] = here, ["host_node_name"] = hostName };
        foreach (var (k, v) in environment)
        {
            names["ENV_" + k] = v;
        }

        var r = new SectionReader(s, s.Name, names);
        return new DaemonOptions
        {
            LogFile = r.Path("logfile", workingDirectory) ?? Path.Combine(workingDirectory, "supervisord.log"),
            LogFileMaxBytes = r.Get("logfile_maxbytes", DataTypes.ByteSize, 50L * 1024 * 1024),
            LogFileBackups = r.Get("logfile_backups", DataTypes.NonNegative, 10),
            LogLevel = r.Get("loglevel", LogLevelName, "info"),
            PidFile = r.Path("pidfile", workingDirectory) ?? Path.Combine(workingDirectory, "supervisord.pid"),
            Umask = r.Get("umask", DataTypes.Octal, Convert.ToInt32("022", 8)),
            NoDaemon = r.Get("nodaemon", DataTypes.Boolean, false),
            Silent = r.Get("silent", DataTypes.Boolean, false),
            NoCleanup = r.Get("nocleanup", DataTypes.Boolean, false),
            StripAnsi = r.Get("strip_ansi", DataTypes.Boolean, false),
            MinFds = r.Get("minfds", DataTypes.WholeNumber, 1024),
            MinProcs = r.Get("minprocs", DataTypes.WholeNumber, 200),
            UpdateInPlace = r.Get("update_in_place", DataTypes.Boolean, false),
            SyslogForward = r.Get<string?>("syslog_forward", ExtrasReader.ForwardTarget, null),
            SyslogForwardBuffer = r.Get("syslog_forward_buffer", ExtrasReader.PositiveCount, 10000),
            ChildLogDir = r.Path("childlogdir", workingDirectory) ?? Path.GetTempPath().TrimEnd('/'),
            Identifier = r.Get("identifier", v => v, "supervisor"),
            Directory = r.Path("directory", workingDirectory),
            User = r.Get<string?>("user", v => Native.PosixUser.UserEntry(v) is null ? throw new FormatException($"Invalid user name {v}") : v, null),
            Environment = r.Get("environment", DataTypes.Environment, []),
        };
    }

    private static string LogLevelName(string value) =>
        value.ToLowerInvariant() is "critical" or "error" or "warn" or "info" or "debug" or "trace" or "blather"
            ? value.ToLowerInvariant()
            : throw new FormatException($"bad logging level name '{value}'");

    private static UnixServerOptions ReadUnixServer(IniSection s, Dictionary<string, string> names)
    {
        var r = new SectionReader(s, s.Name, names);
        var file = r.Get<string?>("file", v => v, null) ?? throw ConfigException.At(s, "section [unix_http_server] has no file value");
        var (user, password) = Credentials(r, s);
        return new UnixServerOptions(Path.GetFullPath(file), r.Get("chmod", DataTypes.Octal, Convert.ToInt32("0700", 8)),
            r.Get<string?>("chown", v =>
            {
                _ = Native.PosixUser.UserAndGroup(v); // an unknown user or group is a config error, as in supervisord
                return v;
            }, null), user, password);
    }

    private static InetServerOptions ReadInetServer(IniSection s, Dictionary<string, string> names)
    {
        var r = new SectionReader(s, s.Name, names);
        if (!s.Has("port"))
        {
            throw ConfigException.At(s, "section [inet_http_server] has no port value");
        }

        var (host, port) = r.Get("port", DataTypes.InetAddress, ("", 0));
        var (user, password) = Credentials(r, s);
        return new InetServerOptions(host, port, user, password);
    }

    private static (string? User, string? Password) Credentials(SectionReader r, IniSection s)
    {
        var user = r.Get<string?>("username", v => v, null);
        var password = r.Get<string?>("password", v => v, null);
        if ((user is null) != (password is null))
        {
            throw ConfigException.At(s, "must specify both username and password, or neither");
        }

        return (user, password);
    }

    private List<GroupConfig> ReadGroups(IniDocument document, Dictionary<IniSection, string> heres,
        Dictionary<string, string> env, DaemonOptions daemon)
    {
        var programs = Programs(document, "program:", heres, env, daemon);
        var fcgis = Programs(document, "fcgi-program:", heres, env, daemon);
        var groups = new List<(GroupConfig Group, IniSection Section)>();
        var grouped = new HashSet<IniSection>();
        foreach (var s in document.Sections.Where(s => s.Name.StartsWith("group:", StringComparison.Ordinal)))
        {
            var groupName = s.Name["group:".Length..].Trim();
            var r = new SectionReader(s, s.Name, Names(s, heres, env));
            var members = r.Get<string?>("programs", v => v, null) ?? throw ConfigException.At(s, $"[{s.Name}] has no programs value");
            var processes = new List<ProcessConfig>();
            foreach (var member in members.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var isProgram = programs.TryGetValue(member, out var program);
                if (fcgis.TryGetValue(member, out var fcgi) && isProgram)
                {
                    throw ConfigException.At(s.Get("programs")!, s.Name, $"[{s.Name}] name {member} is ambiguous (exists as program and fcgi-program)");
                }

                if (!isProgram && fcgi.Section is null)
                {
                    throw ConfigException.At(s.Get("programs")!, s.Name, $"[{s.Name}] names unknown program or fcgi-program {member}");
                }

                // supervisord re-expands %(group_name)s with the group's name for member programs. An fcgi-program
                // in a [group:x] is a plain program there: supervisord makes no socket for it.
                var section = isProgram ? program.Section : fcgi.Section;
                processes.AddRange(ProcessReader.Read(section, member, groupName, Names(section, heres, env), daemon, workingDirectory));
                grouped.Add(section);
            }

            groups.Add((new GroupConfig(groupName, r.Get("priority", DataTypes.WholeNumber, 999), processes), s));
        }

        foreach (var (name, program) in programs)
        {
            if (!grouped.Contains(program.Section))
            {
                groups.Add((new GroupConfig(name, program.Priority, program.Processes), program.Section));
            }
        }

        foreach (var s in document.Sections.Where(s => s.Name.StartsWith("eventlistener:", StringComparison.Ordinal)))
        {
            groups.Add((ReadListener(s, Names(s, heres, env), daemon), s));
        }

        foreach (var (name, fcgi) in fcgis)
        {
            if (!grouped.Contains(fcgi.Section))
            {
                var names = new Dictionary<string, string>(env, StringComparer.Ordinal)
                {
                    ["here"] = heres.GetValueOrDefault(fcgi.Section, workingDirectory),
                    ["program_name"] = name,
                };
                groups.Add((new GroupConfig(name, fcgi.Priority, fcgi.Processes) { FastCgi = FastCgiReader.Read(fcgi.Section, names) }, fcgi.Section));
            }
        }

        var seen = new Dictionary<string, IniSection>(StringComparer.Ordinal);
        foreach (var (g, s) in groups)
        {
            if (!seen.TryAdd(g.Name, s))
            {
                // supervisord keeps the first and silently drops the second; two groups of one name is a mistake.
                throw ConfigException.At(s, $"two process groups are named '{g.Name}' (the other is [{seen[g.Name].Name}])");
            }
        }

        var sections = programs.ToDictionary(p => p.Key, p => p.Value.Section, StringComparer.Ordinal);
        foreach (var (name, fcgi) in fcgis)
        {
            sections.TryAdd(name, fcgi.Section);
        }

        foreach (var s in document.Sections.Where(s => s.Name.StartsWith("eventlistener:", StringComparison.Ordinal)))
        {
            sections[s.Name["eventlistener:".Length..].Trim()] = s;
        }

        var result = groups.Select(g => g.Group).ToList();
        DependencyCheck.Validate(result, sections);
        return result.OrderBy(g => g.Priority).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The <c>[program:x]</c> (or <c>[fcgi-program:x]</c>) sections by name, each read into its processes.</summary>
    private Dictionary<string, (IniSection Section, List<ProcessConfig> Processes, int Priority)> Programs(IniDocument document, string prefix,
        Dictionary<IniSection, string> heres, Dictionary<string, string> env, DaemonOptions daemon)
    {
        var programs = new Dictionary<string, (IniSection Section, List<ProcessConfig> Processes, int Priority)>(StringComparer.Ordinal);
        foreach (var s in document.Sections)
        {
            if (!s.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = s.Name[prefix.Length..].Trim();
            if (name.Length == 0 || name.Contains(':', StringComparison.Ordinal))
            {
                throw ConfigException.At(s, $"invalid program name '{name}'");
            }

            var processes = ProcessReader.Read(s, name, name, Names(s, heres, env), daemon, workingDirectory);
            var priority = new SectionReader(s, s.Name, Names(s, heres, env)).Get("priority", DataTypes.WholeNumber, 999);
            programs[name] = (s, processes, priority);
        }

        return programs;
    }

    /// <summary><c>[eventlistener:x]</c>: a program whose stdout speaks the event listener protocol (options.py's rules).</summary>
    private GroupConfig ReadListener(IniSection s, Dictionary<string, string> names, DaemonOptions daemon)
    {
        var name = s.Name["eventlistener:".Length..].Trim();
        var r = new SectionReader(s, s.Name, names);
        var bufferSize = r.Get("buffer_size", DataTypes.WholeNumber, 10);
        if (bufferSize < 1)
        {
            throw r.Error("buffer_size", $"[{s.Name}] section sets invalid buffer_size ({bufferSize})");
        }

        var handler = r.Get("result_handler", v => v, "supervisor.dispatchers:default_handler");
        if (handler != "supervisor.dispatchers:default_handler")
        {
            throw r.Error("result_handler", $"{handler} cannot be resolved within [{s.Name}] (only the default handler is supported)");
        }

        var events = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in r.Get("events", v => v, "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var upper = e.ToUpperInvariant();
            if (!Events.EventTypes.IsKnown(upper))
            {
                throw r.Error("events", $"Unknown event type {upper} in [{s.Name}] events");
            }

            events.Add(upper);
        }

        if (events.Count == 0)
        {
            throw r.Error("events", $"[{s.Name}] section requires an \"events\" line");
        }

        if (r.Get("redirect_stderr", DataTypes.Boolean, false))
        {
            throw r.Error("redirect_stderr", $"[{s.Name}] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol");
        }

        var processes = ProcessReader.Read(s, name, name, names, daemon, workingDirectory);
        return new GroupConfig(name, r.Get("priority", DataTypes.WholeNumber, -1), processes) { Listener = new ListenerOptions(bufferSize, events) };
    }
}

/// <summary>Typed, expanded reads of one section's options, with errors that name the option.</summary>
internal sealed class SectionReader(IniSection section, string sectionName, IReadOnlyDictionary<string, string> names)
{
    public IReadOnlyDictionary<string, string> Names { get; set; } = names;

    public string? Raw(string key) => section.Get(key)?.Value;

    public T Get<T>(string key, Func<string, T> convert, T fallback)
    {
        var option = section.Get(key);
        if (option is null)
        {
            return fallback;
        }

        var text = Expander.Expand(option.Value, Names, m => ConfigException.At(option, sectionName, m));
        try
        {
            return convert(text);
        }
        catch (FormatException e)
        {
            throw ConfigException.At(option, sectionName, e.Message);
        }
    }

    public string? Path(string key, string relativeTo)
    {
        var value = Get<string?>(key, v => v, null);
        return value is null ? null : System.IO.Path.GetFullPath(value, relativeTo);
    }

    public ConfigException Error(string key, string problem) =>
        section.Get(key) is { } option ? ConfigException.At(option, sectionName, problem) : ConfigException.At(section, problem);

    public static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
