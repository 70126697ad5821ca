import { createContext, useContext } from "react";

/**
 * The per-response Content-Security-Policy nonce, set by entry.server.tsx, so the scripts
 * Remix renders inline carry it. In the browser it is empty: the policy only checks the
 * first document's scripts.
 */
export const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
