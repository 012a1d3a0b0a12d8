package dev.agentdojo.bus.deployment;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.runtime.EventBusJsonRpcService;
import io.quarkus.deployment.IsDevelopment;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;

/**
 * The extension's card in the Dev UI ({@code quarkus:dev}, {@code /q/dev-ui}): the listeners by
 * name and pattern, and the chained event log — the history, then each event live.
 */
class DevUiProcessor {

    @BuildStep(onlyIf = IsDevelopment.class)
    CardPageBuildItem card() {
        CardPageBuildItem card = new CardPageBuildItem();
        card.addPage(Page.webComponentPageBuilder()
                .title("Event log")
                .componentLink("qwc-agent-dojo-events-log.js")
                .icon("font-awesome-solid:timeline"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Listeners")
                .componentLink("qwc-agent-dojo-events-listeners.js")
                .icon("font-awesome-solid:ear-listen"));
        return card;
    }

    @BuildStep(onlyIf = IsDevelopment.class)
    JsonRPCProvidersBuildItem jsonRpc() {
        return new JsonRPCProvidersBuildItem(EventBusJsonRpcService.class);
    }
}
