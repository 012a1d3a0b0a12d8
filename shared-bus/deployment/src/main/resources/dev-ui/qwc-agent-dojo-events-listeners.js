import { QwcHotReloadElement, html, css } from 'qwc-hot-reload-element';
import { JsonRpc } from 'jsonrpc';
import '@vaadin/grid';
import '@vaadin/progress-bar';

/** The bus's listeners, by name and pattern: what each is, how it is called, and whether once. */
export class QwcAgentDojoEventsListeners extends QwcHotReloadElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: flex; flex-direction: column; height: 100%; }
        vaadin-grid { height: 100%; }
        code { font-size: var(--lumo-font-size-s); }
    `;

    static properties = {
        _listeners: { state: true }
    };

    connectedCallback() {
        super.connectedCallback();
        this.hotReload();
    }

    hotReload() {
        this.jsonRpc.getListeners().then(response => {
            this._listeners = response.result;
        });
    }

    render() {
        if (!this._listeners) {
            return html`<vaadin-progress-bar indeterminate></vaadin-progress-bar>`;
        }
        return html`
            <vaadin-grid .items="${this._listeners}" theme="row-stripes compact">
                <vaadin-grid-column path="nameOrPattern" header="Event or pattern" auto-width></vaadin-grid-column>
                <vaadin-grid-column path="kind" header="Kind" auto-width></vaadin-grid-column>
                <vaadin-grid-column path="once" header="Once" auto-width></vaadin-grid-column>
                <vaadin-grid-column path="listener" header="Listener"></vaadin-grid-column>
            </vaadin-grid>`;
    }
}
customElements.define('qwc-agent-dojo-events-listeners', QwcAgentDojoEventsListeners);
