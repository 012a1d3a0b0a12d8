import { QwcHotReloadElement, html, css } from 'qwc-hot-reload-element';
import { JsonRpc } from 'jsonrpc';
import '@vaadin/grid';
import '@vaadin/progress-bar';

/**
 * The chained event log: the history, then each event live as it is emitted or received, with its
 * chain (correlation) and cause. The newest 500 are kept on the page.
 */
export class QwcAgentDojoEventsLog extends QwcHotReloadElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: flex; flex-direction: column; height: 100%; }
        vaadin-grid { height: 100%; }
    `;

    static properties = {
        _events: { state: true }
    };

    static KEPT = 500;

    connectedCallback() {
        super.connectedCallback();
        this.hotReload();
    }

    disconnectedCallback() {
        this._stopStream();
        super.disconnectedCallback();
    }

    hotReload() {
        this._stopStream();
        this.jsonRpc.getHistory().then(response => {
            this._events = response.result.slice(-QwcAgentDojoEventsLog.KEPT).reverse();
            this._stream = this.jsonRpc.streamEvents().onNext(next => {
                this._events = [next.result, ...this._events].slice(0, QwcAgentDojoEventsLog.KEPT);
            });
        });
    }

    _stopStream() {
        if (this._stream) {
            this._stream.cancel();
            this._stream = null;
        }
    }

    render() {
        if (!this._events) {
            return html`<vaadin-progress-bar indeterminate></vaadin-progress-bar>`;
        }
        return html`
            <vaadin-grid .items="${this._events}" theme="row-stripes compact">
                <vaadin-grid-column path="timestamp" header="Time" auto-width></vaadin-grid-column>
                <vaadin-grid-column path="name" header="Event" auto-width></vaadin-grid-column>
                <vaadin-grid-column path="source" header="From" auto-width></vaadin-grid-column>
                <vaadin-grid-column path="args" header="Args"></vaadin-grid-column>
                <vaadin-grid-column path="correlationId" header="Chain" auto-width></vaadin-grid-column>
                <vaadin-grid-column path="id" header="Id" auto-width></vaadin-grid-column>
                <vaadin-grid-column path="causationId" header="Cause" auto-width></vaadin-grid-column>
            </vaadin-grid>`;
    }
}
customElements.define('qwc-agent-dojo-events-log', QwcAgentDojoEventsLog);
