using System.Net;
using Slipway.Core.Config;
using Slipway.Core.Net;

namespace Slipway.Cli.Commands.Monitor;

/// <summary>
/// Where monitor serve listens for the host agents and the token it requires, from <c>monitor.agent</c>:
/// <c>listen</c>, else the url's port (on the url's host when that is an IP address, on every address otherwise);
/// <c>SLIPWAY_MONITOR_TOKEN</c>, else <c>token</c>. Without a token only a loopback address is allowed.
/// </summary>
internal sealed record AgentEndpoint(IPEndPoint? Endpoint, string? Token, string? Error)
{
    public const string TokenVariable = "SLIPWAY_MONITOR_TOKEN";

    public static AgentEndpoint Resolve(MonitorAgentConfig agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var token = TokenOf(agent);
        IPEndPoint? endpoint;
        string? error;
        if (agent.Listen is { } listen)
        {
            endpoint = ListenAddress.Parse(listen, out error);
        }
        else
        {
            var url = new Uri(agent.Url);
            endpoint = new IPEndPoint(IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) ? ip
                : url.IsLoopback ? IPAddress.Loopback : IPAddress.Any, url.Port);
            error = null;
        }

        if (endpoint is null)
        {
            return new AgentEndpoint(null, token, $"monitor.agent.listen: {error}");
        }

        if (token is null && !IPAddress.IsLoopback(endpoint.Address))
        {
            return new AgentEndpoint(null, null,
                $"monitor.agent has no token, and {endpoint} is not loopback: set monitor.agent.token or {TokenVariable} (or listen on 127.0.0.1)");
        }

        return new AgentEndpoint(endpoint, token, null);
    }

    /// <summary>The token agents send: the environment's, else slipway.yml's.</summary>
    public static string? TokenOf(MonitorAgentConfig agent) =>
        Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : agent?.Token;
}
