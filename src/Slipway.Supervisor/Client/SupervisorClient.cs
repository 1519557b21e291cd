using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Client;

/// <summary>
/// An XML-RPC client for supervisord and <c>slipway supervise</c>: <c>POST /RPC2</c> over a unix socket or
/// http://host:port with Basic auth, one keep-alive connection. Faults become <see cref="SupervisorFaultException"/>;
/// anything that keeps us from getting an answer becomes <see cref="SupervisorUnreachableException"/>.
/// Start/stop calls with <c>wait</c> are answered only when the process is up or down, so there is no HTTP timeout:
/// callers bound calls with their CancellationToken.
/// </summary>
public sealed class SupervisorClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _rpc;

    public SupervisorClient(SupervisorEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), UseProxy = false };
        if (endpoint.SocketPath is { } path)
        {
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            _rpc = new Uri("http://localhost/RPC2");
        }
        else
        {
            _rpc = new Uri(endpoint.Url!, "/RPC2");
        }

        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        if (endpoint.Username is not null)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(endpoint.Username + ":" + endpoint.Password));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        }
    }

    public SupervisorEndpoint Endpoint { get; }

    /// <summary>Calls any method; returns the decoded value (int, bool, string, List, Dictionary…).</summary>
    public async Task<object?> CallAsync(string method, IReadOnlyList<object?> args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(args);
        using var content = new StringContent(XmlRpcWriter.Call(method, [.. args]), Encoding.UTF8, "text/xml");
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(_rpc, content, ct);
        }
        catch (HttpRequestException e)
        {
            throw new SupervisorUnreachableException($"cannot reach the supervisor at {Endpoint}: {Reason(e)}", e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new SupervisorUnreachableException($"the supervisor at {Endpoint} requires authentication" +
                    (Endpoint.Username is null ? " (pass --username and --password)" : " and refused these credentials"));
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SupervisorUnreachableException($"the supervisor at {Endpoint} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            XmlRpcResponse parsed;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                parsed = XmlRpcResponseReader.Parse(body);
            }
            catch (XmlRpcParseException e)
            {
                throw new SupervisorUnreachableException($"the supervisor at {Endpoint} sent a bad answer to {method}: {e.Message}", e);
            }
            catch (HttpRequestException e)
            {
                throw new SupervisorUnreachableException($"the connection to the supervisor at {Endpoint} broke: {Reason(e)}", e);
            }

            return parsed.Fault is { } fault ? throw new SupervisorFaultException(method, fault.Code, fault.Text) : parsed.Value;
        }
    }

    private static string Reason(HttpRequestException e) =>
        e.InnerException is SocketException s ? s.SocketErrorCode switch
        {
            SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => "no such socket",
            SocketError.ConnectionRefused => "connection refused (is it running?)",
            SocketError.AccessDenied => "permission denied",
            _ => s.Message,
        }
        : e.InnerException?.Message ?? e.Message;

    public async Task<SupervisorState> GetStateAsync(CancellationToken ct)
    {
        var s = await CallAsync("supervisor.getState", [], ct) as Dictionary<string, object?>;
        return new SupervisorState(s?.GetValueOrDefault("statecode") as int? ?? -1, s?.GetValueOrDefault("statename") as string ?? "UNKNOWN");
    }

    public async Task<IReadOnlyList<ProcessInfo>> GetAllProcessInfoAsync(CancellationToken ct) =>
        List(await CallAsync("supervisor.getAllProcessInfo", [], ct)).Select(ProcessInfo.From).ToList();

    public async Task<ProcessInfo> GetProcessInfoAsync(string name, CancellationToken ct) =>
        ProcessInfo.From(await CallAsync("supervisor.getProcessInfo", [name], ct));

    public async Task<ReloadResult> ReloadConfigAsync(CancellationToken ct)
    {
        // [[added, changed, removed]]
        var outer = List(await CallAsync("supervisor.reloadConfig", [], ct));
        var lists = outer.Count == 1 ? List(outer[0]) : outer;
        IReadOnlyList<string> Names(int i) => i < lists.Count ? List(lists[i]).Select(x => x?.ToString() ?? "").ToList() : [];
        return new ReloadResult(Names(0), Names(1), Names(2));
    }

    public Task AddProcessGroupAsync(string name, CancellationToken ct) => CallAsync("supervisor.addProcessGroup", [name], ct);

    public Task RemoveProcessGroupAsync(string name, CancellationToken ct) => CallAsync("supervisor.removeProcessGroup", [name], ct);

    public async Task<IReadOnlyList<ProcessCallResult>> StopProcessGroupAsync(string name, bool wait, CancellationToken ct) =>
        Results(await CallAsync("supervisor.stopProcessGroup", [name, wait], ct));

    public async Task<IReadOnlyList<ProcessCallResult>> StartProcessGroupAsync(string name, bool wait, CancellationToken ct) =>
        Results(await CallAsync("supervisor.startProcessGroup", [name, wait], ct));

    public Task StartProcessAsync(string name, bool wait, CancellationToken ct) => CallAsync("supervisor.startProcess", [name, wait], ct);

    public Task StopProcessAsync(string name, bool wait, CancellationToken ct) => CallAsync("supervisor.stopProcess", [name, wait], ct);

    public async Task<string> ReadProcessStdoutLogAsync(string name, int offset, int length, CancellationToken ct) =>
        await CallAsync("supervisor.readProcessStdoutLog", [name, offset, length], ct) as string ?? "";

    public async Task<string> ReadProcessStderrLogAsync(string name, int offset, int length, CancellationToken ct) =>
        await CallAsync("supervisor.readProcessStderrLog", [name, offset, length], ct) as string ?? "";

    public async Task<LogTail> TailProcessStdoutLogAsync(string name, int offset, int length, CancellationToken ct) =>
        Tail(await CallAsync("supervisor.tailProcessStdoutLog", [name, offset, length], ct));

    public async Task<LogTail> TailProcessStderrLogAsync(string name, int offset, int length, CancellationToken ct) =>
        Tail(await CallAsync("supervisor.tailProcessStderrLog", [name, offset, length], ct));

    private static List<object?> List(object? value) => value as List<object?> ?? [];

    private static List<ProcessCallResult> Results(object? value) =>
        List(value).OfType<Dictionary<string, object?>>()
            .Select(d => new ProcessCallResult(
                d.GetValueOrDefault("name") as string ?? "",
                d.GetValueOrDefault("group") as string ?? "",
                d.GetValueOrDefault("status") as int? ?? 0,
                d.GetValueOrDefault("description") as string ?? ""))
            .ToList();

    private static LogTail Tail(object? value)
    {
        var l = List(value);
        return new LogTail(l.ElementAtOrDefault(0) as string ?? "", l.ElementAtOrDefault(1) as int? ?? 0, l.ElementAtOrDefault(2) as bool? ?? false);
    }

    public void Dispose() => _http.Dispose();
}
